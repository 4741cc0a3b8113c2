# The console's volunteers (console/volunteers.py)
console-nav-volunteers = Volunteers
console-forbidden-volunteers-role = The volunteer list is for admins only.
console-forbidden-volunteers-province = This volunteer is not in your provinces.
console-volunteers-title = Volunteers
console-volunteers-area = Area
console-volunteers-province = Province
console-volunteers-status = Review
console-volunteers-from = Signed up from
console-volunteers-to = To
console-volunteers-status-pending = Waiting for review
console-volunteers-status-accepted = Accepted
console-volunteers-status-declined = Declined
console-volunteers-total = { $count ->
    [one] one volunteer
   *[other] { $count } volunteers
}
console-volunteers-export = Export volunteers
console-volunteers-signed-up = Signed up { $when }
console-volunteers-message = Message to the volunteer (optional)
console-volunteers-accept = Accept
console-volunteers-decline = Decline
console-volunteers-newer = ← Newer
console-volunteers-older = Older →
console-volunteers-page = Page { $page } of { $pages }
console-volunteers-done-accepted = The volunteer was accepted.
console-volunteers-done-declined = The volunteer was declined.
console-volunteers-done-unchanged = That decision had already been made; no message was sent again.
console-volunteers-done-gone = This volunteer is no longer listed (they withdrew).
console-volunteers-done-invalid = The decision was not valid or the message was too long.
console-volunteers-delivery-ok = The bot's message reached them.
console-volunteers-delivery-blocked = They have blocked the bot; the message did not arrive.
console-volunteers-delivery-failed = The bot's message was not sent; try again later or call them.
console-volunteers-delivery-none = They are not on this messenger; no message was sent.
# What the person receives from the bot
console-volunteers-notice-accepted = 🌱 Your sign-up to the volunteer network was accepted. Thank you for joining; our colleagues will call you to arrange things.
console-volunteers-notice-declined = Thank you for signing up to the volunteer network. For now there is no way to work together in this area.
console-volunteers-notice-message = A message from our team: { $message }
# The audit log's labels (/audit and the console's audit page)
audit-action-volunteer = Volunteer review
audit-action-volunteer-accepted = Volunteer accepted
audit-action-volunteer-declined = Volunteer declined
