"""Email to reporters about the answer to their report: the message (messages.py) and its
sending (service.py), run by the worker's send_notification job, never in a request.

Contact details are personal data: the address is read from the report when sending, the message
goes to that one reporter and holds only their own report's code, and nothing here logs an
address or an SMTP error's text (which may quote one)."""
