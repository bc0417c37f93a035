"""The web server: one Starlette app and one route table, for HTTP mode and for the probes
Socket Mode serves."""
