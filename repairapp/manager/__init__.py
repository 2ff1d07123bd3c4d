"""The service manager's home page: backlog, risk, compliance, the worst machines."""
