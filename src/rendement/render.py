"""Text for people from templates: the Jinja2 environment with the Dutch number filters.

Templates live in ``rendement/templates/`` (package data). HTML templates
(``*.html.j2``) are autoescaped; Markdown templates are not. Filters:
``num`` (:func:`rendement.formatting.number`), ``integer``, ``pct``, ``money``,
``months``, ``date_text``, ``date_short``, ``cell`` (one table cell) and ``base64``
(embedded images).
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from rendement import formatting


@cache
def environment() -> Environment:
    """The one template environment (strict: an unknown name is an error, not an empty string)."""
    env = Environment(
        loader=PackageLoader("rendement", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        num=formatting.number,
        integer=formatting.integer,
        pct=formatting.percent,
        money=formatting.money,
        months=formatting.months,
        date_text=formatting.date_text,
        date_short=formatting.date_short,
        cell=formatting.cell,
        base64=lambda data: base64.b64encode(data).decode("ascii"),
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file name in ``rendement/templates/``) with ``context``."""
    return environment().get_template(template).render(**context)
