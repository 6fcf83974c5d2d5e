"""The benchmark of CONTRACT.md: ``python -m benchmarks --referrals N [--database-url URL]``."""
