"""Signing in: the system browser with the loopback listener (PKCE), the service user (JWT), the pending-sign-in bar."""
