"""Escalations to a provider's support, as pure rules: numbers, the form's checks, recurrence.

Nothing here knows Slack or the database: the listeners read a form into ExampleInput rows,
these modules say what is wrong with them (or what is clean), and the store keeps the result.
"""
