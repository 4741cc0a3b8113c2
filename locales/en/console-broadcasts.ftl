## The console's broadcast pages: the composer, the review, the history and the progress.

console-nav-broadcasts = Broadcasts
console-forbidden-broadcast-role = Only admins and campaign managers can send broadcasts.
console-broadcast-not-found = There is no such broadcast.
console-broadcast-not-draft = This draft is gone (sent or discarded) or is not yours.

console-broadcasts-title = Broadcasts
console-broadcast-new = New broadcast
console-broadcast-back = ↩️ Broadcast list
console-broadcast-number = Broadcast #{ $id }
console-broadcast-at = Sending at: { $when }
console-broadcast-count = { $count ->
        [one] { $count } recipient
       *[other] { $count } recipients
    }

console-broadcast-field-text-fa = Text (Persian)
console-broadcast-field-text-en = English text (optional; without it English readers get the Persian text)
console-broadcast-hint-text = Length limit: { $text } (with a photo: { $caption }).
console-broadcast-field-photo = Photo (optional)
console-broadcast-photo-alt = The broadcast's photo
console-broadcast-no-photo = No photo
console-broadcast-field-button = Button under the message
console-broadcast-field-url = The link button's address
console-broadcast-field-segment = Recipients
console-broadcast-field-when = When to send (empty: now)
console-broadcast-hint-when = A Solar Hijri date and Tehran time, like { $example }
console-broadcast-count-button = Count recipients
console-broadcast-review-button = Preview and confirm
console-broadcast-error-campaign = This campaign is no longer open; choose another.
console-broadcast-error-button = Unknown button.
console-broadcast-error-segment = Unknown recipients; choose from the list.

console-broadcast-review-title = Before sending
console-broadcast-preview-title = The message as recipients see it
console-broadcast-segment = Recipients
console-broadcast-recipients = Number
console-broadcast-duration = Estimated sending time
console-broadcast-when = When
console-broadcast-now = Now
console-broadcast-schedule-button = ✅ Schedule
console-broadcast-edit = ✏️ Edit
console-broadcast-empty-segment = Nobody is in this group now; choose another.

console-broadcast-done-sent = ✅ Sending has started.
console-broadcast-done-scheduled = ✅ Scheduled.
console-broadcast-done-pause = ⏸ Paused.
console-broadcast-done-resume = ▶️ Resumed.
console-broadcast-done-cancel = ⏹ Cancelled.
console-broadcast-done-unchanged = Nothing changed.
console-broadcast-done-discarded = The draft was discarded.

console-broadcast-sent = Sent
console-broadcast-failed = Failed
console-broadcast-blocked = Blocked the bot
console-broadcast-skipped = Skipped
console-broadcast-remaining = Remaining
console-broadcast-total = Total
console-broadcast-progress-label = Sending progress
console-broadcast-unsubscribed = { $count ->
        [one] { $count } person
       *[other] { $count } people
    } turned news off after this message.
console-broadcast-cancel-sure = Yes, stop now (remaining: { $remaining })
console-broadcast-done-unsure = To cancel, tick “Yes” first.
