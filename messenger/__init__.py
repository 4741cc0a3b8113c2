"""Local messenger: a Telegram/Bale Bot API server for tests, the sandbox and benchmarks.

Not part of the bot's runtime (``bot/`` never imports it, except ``python -m bot`` opening the
terminal sandbox, ``messenger.sandbox``, when no BOT_TOKEN is set).

``LocalMessenger`` is an aiohttp server that speaks the Bot API over HTTP, so the *real* bot
(its aiohttp session, polling loop or webhook) runs against it unchanged::

    m = LocalMessenger(flavor="telegram", token="123456:TEST", strict=True)
    await m.start()                       # m.base_url == "http://127.0.0.1:<port>"
    session = AiohttpSession(api=TelegramAPIServer.from_base(m.base_url))
    bot = Bot("123456:TEST", session=session)
    ...                                   # dp.start_polling(bot, handle_signals=False) in a task
    u = m.user(1001, "سارا")
    await u.send("/start")
    reply = await u.next_message()
    answer = await u.press("کمک")         # inline button -> callback_query -> answerCallbackQuery
    res = await u.pay()                   # invoice -> pre_checkout_query -> successful_payment
    await m.settle()
    assert m.violations == []
    await m.stop()

What it checks (``strict=True``: each finding is appended to ``m.violations`` and the request
answered 400): unknown methods and parameters, missing required parameters and wrong types
against the Bot API spec file (``messenger/botapi/api.min.json``, shipped with the package, or
``spec_path=``/``$HAMDEL_BOTAPI_SPEC``; a missing file is an error, never a skip); text over
4096 / caption over 1024 characters, empty text, unparsable ``parse_mode`` text, callback_data
over 64 bytes, reply_markup that python-telegram-bot's models cannot parse, inline buttons
without exactly one action; callback queries not answered within ``callback_timeout`` and
pre-checkout queries not answered within 10 s; in the ``bale`` flavor, Telegram-only parameters
and methods (see ``messenger.flavors``).  Parameters aiogram sends that the spec file does
not know are ``m.warnings``, as are Telegram runtime errors (chat not found, message is not
modified...).

Construction: ``LocalMessenger(flavor="telegram"|"bale", token=..., strict=True, spec_path=None,
bot_id=7000001, bot_username="hamdel_bot", bot_first_name="Hamdel", *, callback_timeout=10.0,
pre_checkout_timeout=10.0, webhook_retries=3, webhook_backoff=0.05, webhook_timeout=30.0,
max_recorded_requests=None)`` (a cap on ``m.requests``/``m.updates`` for long benchmarks);
it is also an async context manager (start/stop).
``strict=False`` turns violations into warnings (requests Telegram itself would refuse still
get their 400).

Faults: ``fail_next`` (429 with retry_after, 5xx, 403, 400), ``delay_next``,
``duplicate_next_update``, ``set_rate_limit``.  Users and groups: ``m.user(...)`` ->
``MessengerUser`` (send, send_photo, send_document, send_sticker, send_voice, send_location,
share_contact, edit, reply, press, press_data, pay, resend_payment, block, unblock, messages,
last, last_text, next_message, wait_until, buttons, download); ``m.group(...)`` ->
``MessengerGroup`` (the same with ``from_user``, plus topics).  Recorded traffic:
``m.requests`` / ``m.calls(method)`` / ``await m.wait_for_request(pred)``; ``m.updates`` (all
updates made) and ``m.dropped_updates`` (filtered out by the bot's allowed_updates);
``m.pending_updates``; ``m.commands(language_code)``; ``await m.call(method, params)`` runs a
Bot API call in-process (as if the bot made it); ``m.set_transaction_status`` (Bale's
inquireTransaction).

Flavors: see ``messenger.flavors`` for what Bale lacks.  Known limits: no inline mode,
media groups, polls, editMessageMedia or channel posts (methods the messenger does not serve
answer 501 and record a violation, except Boolean-returning ones which answer ``true``); group
privacy mode is not modelled (the bot sees every group message); URLs given as files are not
fetched; webhook ports are not restricted (Bale allows only 443/88).
"""

from .actors import MessengerGroup, MessengerUser
from .server import LocalMessenger
from .spec import default_spec_path, load_spec
from .state import RecordedRequest, StoredFile

__all__ = [
    "LocalMessenger",
    "MessengerGroup",
    "MessengerUser",
    "RecordedRequest",
    "StoredFile",
    "default_spec_path",
    "load_spec",
]
