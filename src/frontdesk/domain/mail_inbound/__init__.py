"""Incoming e-mail: mail accounts, the MTA pipe and the API turn received mail into tickets."""
