"""The advice says which return it ranks on; with returns_basis total it quotes the total."""

from __future__ import annotations

from rendement_api.services.wording import recommendation

ROW = {
    "instrument": "werkdirect",
    "label": "Werk Direct",
    "months_saved": 3.0,
    "net_return_eur": 4000.0,
    "net_return_low_eur": 1000.0,
    "net_return_high_eur": 7000.0,
    "benefit_months_saved": 1.0,
    "net_return_total_eur": 1200.0,
    "net_return_total_low_eur": 200.0,
    "net_return_total_high_eur": 2500.0,
}


def test_spell_basis_quotes_the_spell_return() -> None:
    text = recommendation("werkdirect", None, [ROW], str)
    assert "4.000" in text and "terugkeer" not in text


def test_total_basis_quotes_the_total_return_and_says_so() -> None:
    text = recommendation("werkdirect", None, [ROW], str, basis="total")
    assert "1.200" in text and "4.000" not in text
    assert "terugkeer in de bijstand meegeteld" in text
    assert "1 maand" in text or "1,0 maand" in text
