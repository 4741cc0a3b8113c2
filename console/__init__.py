"""The working group's web console: server-rendered pages (Jinja2, Persian RTL) on the bot's own
aiohttp stack, on a listener of its own (CONSOLE_LISTEN_HOST/PORT), a second front door onto the
services the chat uses. See README "Console"."""
