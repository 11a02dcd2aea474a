"""Request and response schemas of the service (``XRequest`` / ``XResponse``)."""
