"""The recommendation sentence says when the sign of the net return is uncertain."""

from __future__ import annotations

from typing import Any

from rendement_api.services.wording import recommendation


def _row(code: str, net: float, low: float | None, high: float | None) -> dict[str, Any]:
    return {
        "instrument": code,
        "label": f"Instrument {code}",
        "net_return_eur": net,
        "net_return_low_eur": low,
        "net_return_high_eur": high,
        "months_saved": 2.5,
    }


def test_a_sure_advice_has_no_doubt() -> None:
    text = recommendation("A", None, [_row("A", 1800.0, 600.0, 3100.0)], str)
    assert text.startswith("Advies: Instrument A. Verwacht netto rendement € 1.800")
    assert "(interval € 600 tot € 3.100)" in text and "onzeker" not in text


def test_an_interval_below_zero_is_called_uncertain() -> None:
    text = recommendation("A", None, [_row("A", 400.0, -900.0, 1700.0)], str)
    assert "(interval -€ 900 tot € 1.700)" in text
    assert text.endswith("of dit instrument zich terugverdient, is onzeker.")


def test_no_instrument_names_the_one_that_might_still_pay() -> None:
    rows = [_row("A", -300.0, -1500.0, 800.0), _row("B", -2000.0, -3000.0, -900.0)]
    text = recommendation("geen", None, rows, str)
    assert "goedkoper deze klant op eigen kracht" in text
    assert text.endswith("Zeker is dat niet: bij Instrument A reikt het interval tot € 800.")
    sure = recommendation("geen", None, rows[1:], str)
    assert "Zeker is dat niet" not in sure


def test_without_intervals_nothing_is_claimed() -> None:
    text = recommendation("A", None, [_row("A", 400.0, None, None)], str)
    assert "interval" not in text and "onzeker" not in text
    assert "Zeker" not in recommendation("geen", None, [_row("A", -5.0, None, None)], str)
