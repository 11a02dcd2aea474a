"""Interaction terms of two instruments in the specification file (issue 18): read and
checked with their lines, stored with the model, compared, refused against the catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from rendement.model.interactions import catalogue_problems
from rendement.model.spec import ModelSpec, SpecificationError
from rendement.specfile import (
    SpecFileError,
    default_spec_yaml,
    parse_spec_text,
    spec_differences,
    spec_yaml,
)

CATALOGUE = pd.DataFrame(
    {
        "instrument": ["jobhunt", "werkstage", "werkdirect", "huisbezoek"],
        "meter": ["reintegratie", "reintegratie", "werk_direct", "handhaving"],
    }
)


def _with(interactions: str) -> str:
    text = default_spec_yaml()
    assert "interactions: []" in text  # the default file shows the field
    return text.replace("interactions: []", f"interactions: {interactions}")


def _line_of(text: str, fragment: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_a_named_pair_is_read_stored_with_the_model_and_compared() -> None:
    text = _with("[werkdirect&jobhunt, huisbezoek&jobhunt]")
    declared = parse_spec_text(text)
    assert declared.spec.interactions == ("werkdirect&jobhunt", "huisbezoek&jobhunt")
    declared.check_catalogue(CATALOGUE)  # both pairs are of different meters: no problem
    stored = parse_spec_text(spec_yaml(declared.spec))  # the model folder's spec.yaml reads back
    assert stored.spec == declared.spec
    assert ModelSpec.from_dict(declared.spec.to_dict()) == declared.spec
    assert "interactions" not in ModelSpec().to_dict()  # older models and readers unchanged
    diff = spec_differences(ModelSpec(), declared.spec)
    assert [d[0] for d in diff] == ["interactions"]
    assert "jobhunt&werkdirect" in diff[0][2]
    # the same pairs in another order and spelling are the same specification
    same = ModelSpec(interactions=("jobhunt&huisbezoek", "jobhunt&werkdirect"))
    assert spec_differences(same, declared.spec) == []


def test_malformed_pairs_are_refused_each_on_its_line() -> None:
    text = _with(
        "\n  - jobhunt&jobhunt\n  - jobhunt\n  - jobhunt&werkdirect\n  - werkdirect&jobhunt"
    )
    with pytest.raises(SpecFileError) as err:
        parse_spec_text(text)
    lines = {p: ln for ln, p in err.value.problems}
    assert len(lines) == 3
    same = next(p for p in lines if "same instrument twice" in p)
    assert lines[same] == _line_of(text, "- jobhunt&jobhunt")
    form = next(p for p in lines if "two instrument codes joined" in p)
    assert lines[form] == _line_of(text, "  - jobhunt") + 1  # the line after jobhunt&jobhunt
    twice = next(p for p in lines if "given twice" in p)
    assert lines[twice] == _line_of(text, "- werkdirect&jobhunt")
    with pytest.raises(SpecificationError, match="same instrument twice"):
        ModelSpec(interactions=("a&a",))


def test_unknown_codes_and_pairs_within_one_meter_are_refused_with_their_lines() -> None:
    text = _with("\n  - jobhunt&nope\n  - jobhunt&werkstage\n  - jobhunt&werkdirect")
    declared = parse_spec_text(text)  # the form is right; the catalogue decides the rest
    with pytest.raises(SpecFileError) as err:
        declared.check_catalogue(CATALOGUE)
    lines = {p: ln for ln, p in err.value.problems}
    assert len(lines) == 2
    unknown = next(p for p in lines if "unknown instrument(s) nope" in p)
    assert lines[unknown] == _line_of(text, "- jobhunt&nope")
    within = next(p for p in lines if "both are instruments of meter reintegratie" in p)
    assert lines[within] == _line_of(text, "- jobhunt&werkstage")
    assert "line" in str(err.value) and "nope" in str(err.value)
    assert catalogue_problems(["huisbezoek&werkdirect"], CATALOGUE) == []


def test_fitting_in_code_refuses_a_pair_the_catalogue_does_not_allow() -> None:
    from simcache import get_simulation

    from rendement.contract import read_data_folder
    from rendement.model.fitting import FitError, fit_model

    data = read_data_folder(get_simulation(clients=1500, seed=4, heterogeneity=False).data_dir)
    with pytest.raises(FitError, match="unknown instrument\\(s\\) nope"):
        fit_model(data, spec=ModelSpec(interactions=("jobhunt&nope",)))
