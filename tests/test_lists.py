"""The managers' lists: tables, the workbook read back with openpyxl, and the CSV files."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from plan_builders import FakeScore, score_from_matrix

from rendement.lists import LIST_COLUMNS, build_lists, part_files, part_sheets, write_lists
from rendement.lists.excel import (
    GROUP_COLOURS,
    NUMBER_FORMATS,
    SUMMARY_SHEET,
    SUMMARY_TABLE_ROW,
    TOTAL_SHEET,
)
from rendement.lists.names import file_stems, sheet_names
from rendement.lists.write import month_suffix

DISTRICTS = ["Noord", "Zuid/Oost [oud]", "noord", None, "Een heel lange wijknaam die niet past"]


def make_score(n: int = 40, seed: int = 1, kind: str = "estimated") -> FakeScore:
    rng = np.random.default_rng(seed)
    net = rng.normal(0, 2500, (n, 3))
    score = score_from_matrix(
        net,
        codes=["jobhunt", "werkstage", "taal"],
        groups=rng.integers(1, 4, n).tolist(),
        months=rng.integers(0, 150, n).tolist(),
        current=["werkstage" if i % 6 == 0 else "" for i in range(n)],
        extra={
            "district": [DISTRICTS[i % len(DISTRICTS)] for i in range(n)],
            "caseworker_id": [f"km{i % 4:02d}" if i % 9 else None for i in range(n)],
        },
        model_kind=kind,
    )
    ranking = score.ranking.copy()
    ranking["rank"] = rng.permutation(n) + 1  # rank order differs from row order
    ranking["p_outflow_6m"] = rng.uniform(0, 1, n)
    ranking["p_outflow_18m"] = np.maximum(ranking["p_outflow_6m"], rng.uniform(0, 1, n))
    return dataclasses.replace(score, ranking=ranking)


def sheet_frame(ws, header_row: int = 1, last_row: int | None = None) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, max_row=last_row, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_lists_follow_the_ranking() -> None:
    score = make_score()
    lists = build_lists(score)
    expected = score.ranking.sort_values("rank")
    assert lists.parts == {}
    assert list(lists.total.columns) == [c.header for c in LIST_COLUMNS]
    assert lists.total["klant"].tolist() == expected["client_id"].tolist()
    assert lists.total["rang"].tolist() == list(range(1, len(expected) + 1))
    # numbers are rounded for reading: chances to 6 decimals, euros to 2
    assert lists.total["kans uitstroom binnen 6 maanden"].tolist() == (
        expected["p_outflow_6m"].round(6).tolist()
    )
    # a client already in an instrument has no return of a new one: empty, not 0
    running = (expected["current_instrument"] != "").to_numpy()
    pd.testing.assert_series_equal(
        lists.total["netto rendement beste instrument"],
        expected["best_net_return_eur"].round(2).mask(running).reset_index(drop=True),
        check_names=False,
    )
    assert lists.total["netto rendement beste instrument"].isna().sum() == running.sum() > 0
    assert lists.total["code lopend instrument"].tolist() == expected["current_instrument"].tolist()
    # without labels the name is the code; "geen" is said in words
    names = expected["best_instrument"].replace("geen", "geen instrument").tolist()
    assert lists.total["beste instrument"].tolist() == names


def test_lists_name_instruments_and_keep_the_codes() -> None:
    score = make_score()
    labels = {"jobhunt": "Sollicitatietraining en vacaturebemiddeling", "werkstage": "Werkstage"}
    lists = build_lists(score, labels=labels)
    expected = score.ranking.sort_values("rank")
    codes = expected["best_instrument"].tolist()
    assert lists.total["code beste instrument"].tolist() == codes
    want = [labels.get(c, "geen instrument" if c == "geen" else c) for c in codes]
    assert lists.total["beste instrument"].tolist() == want
    assert "Sollicitatietraining en vacaturebemiddeling" in want
    current = expected["current_instrument"].tolist()
    assert lists.total["lopend instrument"].tolist() == [labels.get(c, c) for c in current]
    assert "Werkstage" in lists.total["lopend instrument"].tolist()


def test_parts_per_district_and_caseworker() -> None:
    score = make_score()
    lists = build_lists(score, by="district")
    assert list(lists.parts) == [
        "Een heel lange wijknaam die niet past",
        "Noord",
        "noord",
        "Zuid/Oost [oud]",
        "(onbekend)",
    ]
    assert sum(len(f) for f in lists.parts.values()) == len(score.ranking)
    for frame in lists.parts.values():
        assert frame["rang"].is_monotonic_increasing
    by_cw = build_lists(score, by="caseworker")
    assert "(onbekend)" in by_cw.parts and "km01" in by_cw.parts
    assert by_cw.part_word == "klantmanager"


def test_summary_counts_and_sums() -> None:
    score = make_score()
    r = score.ranking
    s = build_lists(score, by="district").summary
    total = s[(s["lijst"] == "totaal") & (s["uitstroomgroep"] == "alle")].iloc[0]
    assert total["klanten"] == len(r)
    assert total["verwachte uitstroom binnen 6 maanden"] == pytest.approx(
        r["p_outflow_6m"].sum(), abs=0.005
    )
    assert total["verwachte uitstroom binnen 18 maanden"] == pytest.approx(
        r["p_outflow_18m"].sum(), abs=0.005
    )
    positive = r["best_net_return_eur"] > 0
    assert total["klanten met positief rendement"] == positive.sum()
    assert total["totaal potentieel rendement"] == pytest.approx(
        r.loc[positive, "best_net_return_eur"].sum(), abs=0.005
    )
    assert total["klanten in lopend instrument"] == (r["current_instrument"] != "").sum()
    for g in (1, 2, 3):
        row = s[(s["lijst"] == "totaal") & (s["uitstroomgroep"] == str(g))].iloc[0]
        assert row["klanten"] == (r["outflow_group"] == g).sum()
    noord = s[(s["lijst"] == "Noord") & (s["uitstroomgroep"] == "alle")].iloc[0]
    assert noord["klanten"] == (r["district"] == "Noord").sum()
    assert set(s["peildatum"]) == {"2026-01-01"} and set(s["soort model"]) == {"geschat model"}


def test_workbook_read_back(tmp_path) -> None:
    score = make_score()
    lists = build_lists(score, by="district")
    paths = write_lists(lists, tmp_path)
    assert paths[0].name == "lijsten-2026-01.xlsx"
    wb = load_workbook(paths[0])
    sheets = part_sheets(lists)
    assert wb.sheetnames == [SUMMARY_SHEET, TOTAL_SHEET, *sheets.values()]
    kinds = {c.header: c.kind for c in LIST_COLUMNS}
    for title, frame in [
        (TOTAL_SHEET, lists.total),
        *((sheets[k], v) for k, v in lists.parts.items()),
    ]:
        ws = wb[title]
        assert ws.freeze_panes == "C2"
        assert ws.auto_filter.ref == f"A1:N{len(frame) + 1}"
        assert [c.value for c in ws[1]] == list(frame.columns)
        back = sheet_frame(ws)
        assert back["klant"].tolist() == frame["klant"].tolist()
        for header in frame.columns:
            if kinds[header] == "text":
                assert back[header].fillna("").tolist() == frame[header].tolist(), header
            else:
                pd.testing.assert_series_equal(
                    back[header].astype(float), frame[header].astype(float), check_names=False
                )
        for i, row in enumerate(ws.iter_rows(min_row=2), start=0):
            group = int(frame["uitstroomgroep"].iloc[i])
            for header, cell in zip(frame.columns, row, strict=True):
                assert cell.number_format == NUMBER_FORMATS[kinds[header]]
                assert cell.fill.fgColor.rgb.endswith(GROUP_COLOURS[group])
        for letter in "ABCDEFGHIJKLMN":
            assert 6 <= ws.column_dimensions[letter].width <= 62


def test_workbook_rows_equal_the_ranking_without_parts(tmp_path) -> None:
    score = make_score(n=25, seed=4)
    paths = write_lists(build_lists(score), tmp_path)
    wb = load_workbook(paths[0])
    assert wb.sheetnames == [SUMMARY_SHEET, TOTAL_SHEET]
    back = sheet_frame(wb[TOTAL_SHEET])
    expected = score.ranking.sort_values("rank")
    assert back["klant"].tolist() == expected["client_id"].tolist()
    assert back["maanden in uitkering"].tolist() == expected["months_on_benefit"].tolist()
    assert back["uitstroomgroep"].tolist() == expected["outflow_group"].tolist()
    running = (expected["current_instrument"] != "").to_numpy()
    pd.testing.assert_series_equal(
        back["netto rendement beste instrument"].astype(float),
        expected["best_net_return_eur"].round(2).mask(running).reset_index(drop=True),
        check_names=False,
    )
    code = back["code beste instrument"].fillna("").tolist()
    assert code == expected["best_instrument"].tolist()


def test_csv_files_equal_the_workbook(tmp_path) -> None:
    score = make_score()
    lists = build_lists(score, by="district")
    paths = write_lists(lists, tmp_path)
    wb = load_workbook(paths[0])
    files = part_files(lists)
    sheets = part_sheets(lists)
    pairs = [("lijst_totaal-2026-01.csv", TOTAL_SHEET)] + [
        (files[k], sheets[k]) for k in lists.parts
    ]
    names = sorted(p.name for p in paths[1:])
    assert names == sorted(["samenvatting-2026-01.csv", *(f for f, _ in pairs)])
    for file, title in pairs:
        csv = pd.read_csv(tmp_path / file, keep_default_na=False, dtype={"klant": str})
        sheet = sheet_frame(wb[title]).fillna("")
        net = "netto rendement beste instrument"
        for frame in (csv, sheet):
            frame[net] = [float(v) if v != "" else np.nan for v in frame[net]]
        pd.testing.assert_frame_equal(csv, sheet, check_dtype=False)
    summary_csv = pd.read_csv(tmp_path / "samenvatting-2026-01.csv", dtype={"uitstroomgroep": str})
    n = len(lists.summary)
    summary_sheet = sheet_frame(wb[SUMMARY_SHEET], SUMMARY_TABLE_ROW, SUMMARY_TABLE_ROW + n)
    pd.testing.assert_frame_equal(summary_csv, summary_sheet, check_dtype=False)


def test_summary_sheet_names_the_model_and_flags_an_expert_model(tmp_path) -> None:
    paths = write_lists(build_lists(make_score(kind="expert")), tmp_path)
    ws = load_workbook(paths[0])[SUMMARY_SHEET]
    labels = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, SUMMARY_TABLE_ROW)}
    assert labels["peildatum"].value == "2026-01-01"
    assert labels["modelversie"].value == "test-1"
    kind = labels["soort model"]
    assert kind.value.startswith("LET OP: expertmodel")  # Dutch words, not the code "expert"
    assert kind.font.bold and kind.font.color.rgb.endswith("C00000")
    estimated = write_lists(build_lists(make_score()), tmp_path / "est")
    ws = load_workbook(estimated[0])[SUMMARY_SHEET]
    assert ws.cell(4, 2).value.startswith("geschat model")
    assert not ws.cell(4, 2).font.bold


def test_sheet_and_file_names_are_valid_and_unique() -> None:
    names = [
        "Noord",
        "noord",
        "Zuid/Oost [oud]",
        "a:b*c?",
        "History",
        "'quoted'",
        "x" * 40,
        "x" * 45,
        "",
    ]
    got = sheet_names(names, taken=("Samenvatting", "Totaal"))
    assert len({g.lower() for g in got}) == len(got)
    for g in got:
        assert 0 < len(g) <= 31
        assert not set(g) & set("[]:*?/\\")
        assert not g.startswith("'") and not g.endswith("'")
        assert g.lower() not in ("history", "samenvatting", "totaal")
    assert sheet_names(["Totaal"], taken=("Totaal",)) == ["Totaal (2)"]
    stems = file_stems(
        ["Noord", "noord", "Zuid/Oost", "Café Éénhoorn", "totaal", ""], taken=("totaal",)
    )
    assert stems == ["noord", "noord_2", "zuid_oost", "cafe_eenhoorn", "totaal_2", "leeg"]


def test_write_lists_is_all_or_nothing(tmp_path, monkeypatch) -> None:
    import rendement.lists.write as module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(module, "write_workbook", broken)
    out = tmp_path / "lists"
    with pytest.raises(OSError):
        write_lists(build_lists(make_score(), by="district"), out)
    assert not out.exists() or not any(out.iterdir())


def test_every_sheet_prints_landscape_one_page_wide(tmp_path) -> None:
    from rendement.lists.printing import wrapped_lines

    score = make_score()
    labels = {"jobhunt": "Sollicitatietraining en vacaturebemiddeling"}
    lists = build_lists(score, by="district", labels=labels, places_per_year=30)
    paths = write_lists(lists, tmp_path)
    wb = load_workbook(paths[0])
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert 0.3 <= ws.page_margins.left <= 1 and 0.3 <= ws.page_margins.top <= 1
        assert "pagina &P van &N" in ws.oddFooter.right.text
        header_row = SUMMARY_TABLE_ROW if ws.title == SUMMARY_SHEET else 1
        if ws.title != SUMMARY_SHEET:
            assert ws.print_title_rows == "$1:$1", ws.title  # header on every page
        # header cells wrap and their row is tall enough for the wrapped words
        height = ws.row_dimensions[header_row].height
        for cell in ws[header_row]:
            if cell.value is None:
                continue
            assert cell.alignment.wrap_text, (ws.title, cell.value)
            width = ws.column_dimensions[cell.column_letter].width
            assert 15 * wrapped_lines(str(cell.value), width * 0.92) <= height, cell.value
        # values, never formulas
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    headers = [c.value for c in wb[TOTAL_SHEET][1]]
    assert headers == [c.header for c in LIST_COLUMNS]
    assert "Sollicitatietraining en vacaturebemiddeling" in [c.value for c in wb[TOTAL_SHEET]["H"]]
    notes = [c.value for c in wb[SUMMARY_SHEET]["A"]]
    assert "totaal potentieel rendement" in notes
    positive = int((score.ranking["best_net_return_eur"] > 0).sum())
    text = " ".join(str(c.value) for c in wb[SUMMARY_SHEET]["B"] if c.value)
    assert f"{positive} klanten een instrument met positief rendement" in text
    assert "de catalogus noemt 30 plaatsen per jaar" in text


def test_wrapped_lines() -> None:
    from rendement.lists.printing import header_height, wrapped_lines

    assert wrapped_lines("rang", 10) == 1
    assert (
        wrapped_lines("kans uitstroom binnen 6 maanden", 12) == 4
    )  # kans|uitstroom|binnen 6|maanden
    assert wrapped_lines("a" * 25, 11) == 3  # a word longer than the column breaks
    assert header_height(["rang", "kans uitstroom binnen 6 maanden"], [6, 12]) >= 45


def test_csv_in_the_dutch_dialect(tmp_path) -> None:
    from rendement.lists.csvfile import read_csv

    lists = build_lists(make_score(), by="district")
    write_lists(lists, tmp_path / "plain")
    write_lists(lists, tmp_path / "nl", csv_dialect="nl")
    month = month_suffix(lists)
    raw = (tmp_path / "nl" / f"lijst_totaal{month}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    header, first = raw[3:].decode("utf-8").splitlines()[:2]
    assert header.split(";")[:3] == ["rang", "klant", "maanden in uitkering"]
    assert "," in first and "." not in first.split(";")[3]  # 0,5 not 0.5
    for name in (f"lijst_totaal{month}.csv", f"samenvatting{month}.csv"):
        plain = pd.read_csv(tmp_path / "plain" / name, dtype={"klant": str})
        dutch = read_csv(tmp_path / "nl" / name, "nl", dtype={"klant": str})
        pd.testing.assert_frame_equal(plain, dutch)
    plain_text = (tmp_path / "plain" / f"lijst_totaal{month}.csv").read_bytes()
    assert not plain_text.startswith(b"\xef\xbb\xbf") and plain_text.count(b";") == 0
