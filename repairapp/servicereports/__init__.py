"""Customers' service reports: the link a customer opens without an account, and sending."""
