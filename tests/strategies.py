"""Shared strategies."""

X = 1
