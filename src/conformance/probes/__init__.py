"""Network probes: HTTP sampling, the burst probe, SSE and TLS handshakes."""
