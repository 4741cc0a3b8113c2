"""A local fake of Zarinpal's v4 REST API (request, verify, StartPay), for the gateway tests and
the benchmark. Behaviour per authority is set by the test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MERCHANT_ID = "0aa5c9f2-1d2e-4a2b-9c8e-5f6a7b8c9d0e"


@dataclass
class FakeZarinpal:
    requests: list[dict[str, Any]] = field(default_factory=list)
    verifies: list[dict[str, Any]] = field(default_factory=list)
    amounts: dict[str, int] = field(default_factory=dict)
    # authority -> "paid" (the donor paid), "unpaid" (cancelled at the bank), "error" (HTTP 500)
    outcome: dict[str, str] = field(default_factory=dict)
    verified: dict[str, int] = field(default_factory=dict)  # authority -> ref_id
    request_mode: str = "ok"  # ok | refuse | down
    default_outcome: str = "paid"
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/pg/v4/payment/request.json", self._request)
        app.router.add_post("/pg/v4/payment/verify.json", self._verify)
        app.router.add_get("/pg/StartPay/{authority}", self._start_pay)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def last_authority(self) -> str:
        return list(self.amounts)[-1]

    async def _request(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.request_mode == "down":
            return web.Response(status=503, text="Service Unavailable")
        if self.request_mode == "refuse" or body.get("merchant_id") != MERCHANT_ID:
            return web.json_response(
                {"data": [], "errors": {"code": -10, "message": "Terminal is not valid.", "validations": []}},
                status=400,
            )
        authority = f"A{next(self._ids):035d}"
        self.amounts[authority] = int(body["amount"])
        return web.json_response(
            {
                "data": {
                    "code": 100,
                    "message": "Success",
                    "authority": authority,
                    "fee_type": "Merchant",
                    "fee": 0,
                },
                "errors": [],
            }
        )

    async def _verify(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.verifies.append(body)
        authority = str(body.get("authority"))
        outcome = self.outcome.get(authority, self.default_outcome)
        if outcome == "error":
            return web.Response(status=500, text="Internal Server Error")
        if authority not in self.amounts:
            return web.json_response(
                {"data": [], "errors": {"code": -54, "message": "Invalid authority."}}, status=400
            )
        if int(body.get("amount", 0)) != self.amounts[authority]:
            return web.json_response(
                {"data": [], "errors": {"code": -50, "message": "Amounts differ."}}, status=400
            )
        if outcome != "paid":
            return web.json_response(
                {"data": [], "errors": {"code": -51, "message": "Payment failed."}}, status=400
            )
        if authority in self.verified:
            code, ref_id = 101, self.verified[authority]
        else:
            code, ref_id = 100, 20_000 + len(self.verified) + 1
            self.verified[authority] = ref_id
        return web.json_response(
            {
                "data": {
                    "code": code,
                    "message": "Verified",
                    "card_hash": "1EBE3EBEBE35C7EC0F8D6EE4F2F859107A87822CA179BC9528767EA7B5489B69",
                    "card_pan": "502229******5995",
                    "ref_id": ref_id,
                    "fee_type": "Merchant",
                    "fee": 0,
                },
                "errors": [],
            }
        )

    async def _start_pay(self, request: web.Request) -> web.Response:
        return web.Response(text=f"StartPay {request.match_info['authority']}")
