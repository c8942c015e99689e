"""Companion: a film's director's commentary, trivia and corrections, on the film's own clock."""

__version__ = "0.1.0"
