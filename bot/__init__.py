"""Hamdel (همدل): the bot package."""
