"""A caseworker's input as the caseload frame the engine scores, and the hash of the input.

The frame has the columns of :func:`rendement.panel.caseload_state`: the
clients-table columns, ``inflow_date``, ``months_on_benefit``,
``monthly_benefit``, ``current_instrument`` / ``remaining_in_months`` and
``in:CODE`` / ``after:CODE`` (int8) per instrument of the model. What a
caseworker does not know is derived: the inflow date is the advice date minus
the months on benefit, a birth date from an age is taken half a year past the
birthday.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rendement.protected import protected_reason
from rendement.timeutil import add_months, months_between
from rendement_api.errors import (
    FieldError,
    InvalidInputError,
    ProtectedAttributeError,
    UnknownInstrumentError,
)
from rendement_api.schemas.advice import ClientInput
from rendement_api.services.served_model import ServedModel

MIN_AGE, MAX_AGE = 18, 110


def input_sha256(client: ClientInput, as_of: dt.date, key: str | None = None) -> str:
    """Hash of the canonicalised input: the advice date and the validated client as JSON.

    With ``key`` (the service's ``log_hash_key``) an HMAC-SHA256, which nobody without the
    key can test guessed client values against; without it a plain SHA-256.
    Canonical because the JSON comes from the validated model: fields in schema order,
    normalised types (``14`` and ``14.0`` months are the same), ``extra`` sorted by name.
    """
    message = f"as_of={as_of.isoformat()};client=".encode() + client.model_dump_json().encode()
    if key is not None:
        return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


@dataclass
class ClientRows:
    """Checked clients as column lists, ready to become a caseload frame (:meth:`frame`).

    Rows of several requests can be joined (:meth:`join`) and scored in one frame.
    """

    codes: list[str]
    cols: dict[str, list[Any]]
    extras: dict[str, list[Any]]
    state_in: list[np.ndarray]
    state_after: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.cols["client_id"])

    @classmethod
    def join(cls, parts: Sequence[ClientRows]) -> ClientRows:
        first = parts[0]
        return cls(
            first.codes,
            {k: [v for p in parts for v in p.cols[k]] for k in first.cols},
            {k: [v for p in parts for v in p.extras[k]] for k in first.extras},
            [a for p in parts for a in p.state_in],
            [a for p in parts for a in p.state_after],
        )

    def with_ids(self, ids: Sequence[str]) -> ClientRows:
        cols = dict(self.cols)
        cols["client_id"] = list(ids)
        return ClientRows(self.codes, cols, self.extras, self.state_in, self.state_after)

    def frame(self) -> pd.DataFrame:
        """The caseload frame (dtypes of :func:`rendement.panel.caseload_state`)."""
        cols, codes = self.cols, self.codes
        data: dict[str, Any] = {
            "client_id": np.asarray(cols["client_id"], dtype=object),
            "inflow_date": pd.DatetimeIndex(cols["inflow_date"]).astype("datetime64[ns]"),
            "months_on_benefit": np.asarray(cols["months_on_benefit"], dtype=np.int64),
            "monthly_benefit": np.asarray(cols["monthly_benefit"], dtype=np.float64),
            "birth_date": pd.DatetimeIndex(cols["birth_date"]).astype("datetime64[ns]"),
            "household_type": np.asarray(cols["household_type"], dtype=object),
            "education": np.asarray(cols["education"], dtype=object),
            "dutch_language": pd.array(cols["dutch_language"], dtype="boolean"),
            "work_experience_years": np.asarray(cols["work_experience_years"], dtype=np.float64),
            "health_restriction": pd.array(cols["health_restriction"], dtype="boolean"),
            "district": np.asarray(cols["district"], dtype=object),
            "caseworker_id": np.asarray(cols["caseworker_id"], dtype=object),
            "current_instrument": np.asarray(cols["current_instrument"], dtype=object),
            "remaining_in_months": np.asarray(cols["remaining_in_months"], dtype=np.int64),
        }
        for name, values in self.extras.items():
            data[name] = values
        empty = np.zeros((0, len(codes)), dtype=np.int8)
        ins = np.vstack(self.state_in) if self.state_in else empty
        afters = np.vstack(self.state_after) if self.state_after else empty
        for j, code in enumerate(codes):
            data[f"in:{code}"] = ins[:, j]
            data[f"after:{code}"] = afters[:, j]
        return pd.DataFrame(data)


def client_frame(
    clients: Sequence[ClientInput],
    as_of: dt.date,
    served: ServedModel,
    *,
    caseworker_id: str | None = None,
    prefixes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The caseload frame of ``clients`` at ``as_of`` (see :func:`client_rows`)."""
    return client_rows(
        clients, as_of, served, caseworker_id=caseworker_id, prefixes=prefixes
    ).frame()


def client_rows(
    clients: Sequence[ClientInput],
    as_of: dt.date,
    served: ServedModel,
    *,
    caseworker_id: str | None = None,
    prefixes: Sequence[str] | None = None,
) -> ClientRows:
    """Check ``clients`` and derive what the caseload needs; raises :class:`InvalidInputError`
    with every problem. ``prefixes`` name each client in errors (``clients[3].`` in a batch).

    Long: every check of a client's input in one place, so that all problems come back together in one answer.
    """
    model = served.model
    codes = served.state_codes
    col_of = {c: j for j, c in enumerate(codes)}
    extra_needed = list(model.spec.extra_features)
    problems: list[FieldError] = []
    unknown_instrument = False
    protected = False
    seen: dict[str, int] = {}
    as_of_ts = pd.Timestamp(as_of)
    back: dict[int, pd.Timestamp] = {}

    def months_back(n: int) -> pd.Timestamp:
        if n not in back:
            back[n] = add_months(as_of_ts, -n)
        return back[n]

    cols: dict[str, list[Any]] = {
        name: []
        for name in (
            "client_id", "inflow_date", "months_on_benefit", "monthly_benefit", "birth_date",
            "household_type", "education", "dutch_language", "work_experience_years",
            "health_restriction", "district", "current_instrument", "remaining_in_months",
            "caseworker_id",
        )
    }  # fmt: skip
    extras: dict[str, list[Any]] = {name: [] for name in extra_needed}
    state_in: list[np.ndarray] = []
    state_after: list[np.ndarray] = []
    for i, c in enumerate(clients):
        p = prefixes[i] if prefixes is not None else ""
        # --- duration
        months = c.months_on_benefit
        if c.inflow_date is not None:
            if c.inflow_date > as_of:
                problems.append(
                    FieldError(
                        p + "inflow_date",
                        "the inflow date lies after the advice date",
                        f"a date on or before {as_of.isoformat()}",
                    )
                )
                continue
            d = months_between(c.inflow_date, as_of)
            if months is not None and months != d:
                problems.append(
                    FieldError(
                        p + "months_on_benefit",
                        f"months_on_benefit {months} does not match inflow_date ({d} months)",
                        "give one of them, or values that agree",
                    )
                )
                continue
            months = d
            inflow = pd.Timestamp(c.inflow_date)
        else:
            assert months is not None
            inflow = months_back(months)
        # --- age
        if c.birth_date is not None:
            age_now = months_between(c.birth_date, as_of) // 12
            if not (MIN_AGE <= age_now <= MAX_AGE):
                problems.append(
                    FieldError(
                        p + "birth_date",
                        f"the birth date gives an age of {age_now} at the advice date",
                        f"an age between {MIN_AGE} and {MAX_AGE}",
                    )
                )
                continue
            birth = pd.Timestamp(c.birth_date)
        else:
            assert c.age is not None
            birth = months_back(12 * c.age + 6)
        # --- client id
        cid = c.client_id if c.client_id is not None else f"#{i + 1}"
        if cid in seen:
            problems.append(
                FieldError(
                    p + "client_id",
                    f"client_id {cid!r} occurs more than once (first at position {seen[cid]})",
                    "unique client ids in one batch",
                )
            )
            continue
        seen[cid] = i
        # --- instruments
        flags_in = np.zeros(len(codes), dtype=np.int8)
        flags_after = np.zeros(len(codes), dtype=np.int8)
        current = ""
        remaining = 0
        bad = False
        for j, code in enumerate(c.completed_instruments):
            if code not in col_of:
                problems.append(_unknown(p + f"completed_instruments[{j}]", code, codes))
                bad = True
            else:
                flags_after[col_of[code]] = 1
        if c.current_instrument is not None:
            code = c.current_instrument
            if code not in col_of:
                problems.append(_unknown(p + "current_instrument", code, codes))
                bad = True
            else:
                flags_in[col_of[code]] = 1
                current = code
                remaining = (
                    int(c.remaining_in_months)
                    if c.remaining_in_months is not None
                    else int(model.catalogue_row(code)["duration_months"])
                )
        if bad:
            unknown_instrument = True
            continue
        # --- extra features
        for name in extra_needed:
            if name not in c.extra:
                problems.append(
                    FieldError(
                        p + f"extra.{name}",
                        f"the model uses the client column {name!r}",
                        "a value for it",
                    )
                )
                bad = True
        for name in c.extra:
            why = protected_reason(name, model.spec.protected)
            if why is not None:  # by meaning, or declared protected in the model's specification
                problems.append(
                    FieldError(
                        p + f"extra.{name}",
                        f"{name} is a protected attribute ({why}): it is never asked and never "
                        "used",
                        "no protected attributes",
                    )
                )
                protected = bad = True
            elif name not in extra_needed:
                problems.append(
                    FieldError(
                        p + f"extra.{name}",
                        f"the model does not use a column {name!r}",
                        f"only {', '.join(extra_needed) or 'no extra columns'}",
                    )
                )
                bad = True
        if bad:
            continue
        for name in extra_needed:
            extras[name].append(c.extra[name])
        cols["client_id"].append(cid)
        cols["inflow_date"].append(inflow)
        cols["months_on_benefit"].append(int(months))
        cols["monthly_benefit"].append(float(c.monthly_benefit))
        cols["birth_date"].append(birth)
        cols["household_type"].append(c.household_type)
        cols["education"].append(c.education)
        cols["dutch_language"].append(c.dutch_language)
        cols["work_experience_years"].append(
            np.nan if c.work_experience_years is None else float(c.work_experience_years)
        )
        cols["health_restriction"].append(c.health_restriction)
        cols["district"].append(c.district)
        cols["current_instrument"].append(current)
        cols["remaining_in_months"].append(remaining)
        cols["caseworker_id"].append(caseworker_id)
        state_in.append(flags_in)
        state_after.append(flags_after)
    if problems:
        cls = (
            ProtectedAttributeError
            if protected
            else UnknownInstrumentError
            if unknown_instrument
            else InvalidInputError
        )
        n = len(problems)
        raise cls(
            f"{n} field{'s' if n != 1 else ''} of the request {'are' if n != 1 else 'is'} invalid",
            problems,
        )
    return ClientRows(list(codes), cols, extras, state_in, state_after)


def _unknown(field: str, code: str, codes: Sequence[str]) -> FieldError:
    return FieldError(
        field, f"unknown instrument {code!r} for this model", "one of " + ", ".join(codes)
    )
