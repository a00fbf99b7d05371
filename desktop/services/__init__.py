"""Asyncio services that need no Qt: the loopback listener, the login flow, the browser launcher, logs."""
