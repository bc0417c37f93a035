"""The Slack side: a Bolt app whose thin listeners hand plain values to the core.

app.py builds the app (the same one for HTTP, Socket Mode and the console), listeners/ holds
one module per Slack surface, errors.py the one error handler, http.py and socket.py serve it.
"""
