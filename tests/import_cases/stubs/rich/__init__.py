"""A stand-in for rich: only what import cases use."""
