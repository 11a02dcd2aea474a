"""What the routes and the page call: the served model, advices, decisions and summaries."""
