"""Reaching hosts over SSH and gathering the facts the checks compare."""
