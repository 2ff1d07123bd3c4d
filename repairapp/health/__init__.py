"""/healthz and /readyz for load balancers and systemd: no log-in, no data."""
