"""Skytells Python SDK."""
