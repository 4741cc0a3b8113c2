"""Hamdel (همدل): the bot runtime — settings, app factory, platform profiles, middlewares."""

__version__ = "0.1.0"
