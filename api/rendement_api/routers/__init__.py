"""One router per resource: advice, scores, decisions, models, health, and the page."""
