## Donors' complaints and problems to the working group: tickets.

complaints-menu = 📝 Raise a problem
complaints-cmd-complaint = Raise a problem or complaint with the working group
complaints-cmd-mytickets = My requests and answers
complaints-cmd-tickets = Donors' requests inbox (staff)

## Filing

complaints-intro =
    📝 Raise a problem with the working group for donors' problems
    The working group reviews your problem and sends the answer right here.
    Choose the topic:

complaints-category-payment = 💳 Payment or receipt
complaints-category-transparency = 📊 Campaign transparency
complaints-category-conduct = 👤 Staff conduct
complaints-category-dowry = 🎁 Dowry-kit process
complaints-category-technical = 🛠 Technical problem
complaints-category-suggestion = 💡 Suggestion
complaints-category-other = 📌 Other

complaints-ask-description =
    Topic: { $category }
    Now describe the problem in detail: what happened, when and where (at least { $minimum ->
            [one] { $minimum } character
           *[other] { $minimum } characters
        } and at most { $limit ->
            [one] { $limit } character
           *[other] { $limit } characters
        }).
    You can send photos or documents in the next step.
complaints-description-empty = No text received. Please describe the problem in a few sentences.
complaints-description-too-long = Your text is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }, more than the limit ({ $limit }). Please shorten it and send it again.
complaints-description-not-text = Please describe the problem as text; voice messages, stickers and the like cannot be filed.
complaints-description-after-attachment = Attachment received 📎 Now please describe the problem as text too.

complaints-ask-attachments =
    If you have a photo of a receipt, a screenshot or a document, send it now (at most { $limit ->
            [one] { $limit } attachment
           *[other] { $limit } attachments
        }).
    If you have none, press “No attachment / continue”.
complaints-button-no-attachment = No attachment / continue
complaints-button-continue = Continue ›
complaints-attachment-received = 📎 Attachment { $count } of { $limit } received. Send another one, or press “Continue”.
complaints-attachment-limit = You reached the limit of { $limit ->
        [one] { $limit } attachment
       *[other] { $limit } attachments
    }; this one was not kept. Please press “Continue”.
complaints-attachment-unsupported = Only photos and files (documents) can be attached. If you have no more, press “Continue”.
complaints-attachment-text-added = This text was added to the description. Send an attachment, or press “Continue”.

complaints-ask-donation = Is this problem about one of your donations? If so, choose it:
complaints-button-no-donation = Not about a particular donation
complaints-donation-line = { $amount } · { $target } · { $date }
complaints-donation-receipt = receipt { $receipt }
complaints-purpose-living = living costs
complaints-purpose-housing = housing
complaints-purpose-dowry = dowry
complaints-purpose-alms = alms
complaints-purpose-orphans = orphans
complaints-purpose-general = general needs

complaints-ask-anonymity =
    Would you like to stay anonymous?
    If you choose “Anonymous”, the working group's staff see neither your name nor your account id; answers still reach you here.
complaints-button-anonymous = 🙈 Stay anonymous
complaints-button-named = 👤 Show my name

complaints-ask-contact =
    If you would like a call back, type your mobile number (like { $example }) or press “Send my number”.
    This is optional; to go on without it, press “No number”.
complaints-ask-contact-anonymous-note = Note: staff will see the number if you give one.
complaints-button-share-contact = 📱 Send my number
complaints-button-skip-contact = No number
complaints-contact-invalid = This is not a valid mobile number. Type one like { $example } or press “No number”.
complaints-contact-not-text = Please type your mobile number or press “Send my number”; to go on without one, press “No number”.
complaints-contact-not-own = Please send your own number: press “Send my number” or type it.
complaints-contact-saved = Number { $mobile } saved.
complaints-contact-skipped = Going on without a contact number.

complaints-summary =
    Please review your request before sending it:

    Topic: { $category }
    Attachments: { $attachments }
    Related donation: { $donation }
    Contact number: { $mobile }
    Shown to staff: { $anonymity }

    Description:
    { $description }
complaints-summary-anonymous = anonymously
complaints-summary-named = with your name
complaints-none = none
complaints-button-submit = ✅ Send to the working group
complaints-button-restart = ↺ Start over

complaints-created =
    ✅ Your request was filed and sent to the working group.
    Tracking number: { $number }
    The working group usually starts within { $hours ->
            [one] { $hours } hour
           *[other] { $hours } hours
        }, and the answer comes right here. See your requests with /mytickets.
complaints-already-filed = This request was already filed as { $number }.
complaints-stale = This button belongs to an older message and no longer works; please continue from the latest message.
complaints-error-empty = The description is empty. Please start again.
complaints-error-too-long = The description is longer than allowed.
complaints-error-too-many-attachments = Too many attachments.
complaints-error-foreign-donation = This donation is not one of yours.
complaints-error-invalid = This choice is not valid.
complaints-error-not-yet = You can rate once the working group has handled the request.
complaints-error-closed = This request is closed.

complaints-status-new = 🆕 Filed
complaints-status-in_progress = ⏳ In progress
complaints-status-answered = 💬 Answered
complaints-status-closed = 🔒 Closed

complaints-age-now = under a minute
complaints-age-minutes = { $count } min
complaints-age-hours = { $count } h
complaints-age-days = { $count } d

## What the donor is told

complaints-notice-in-progress = ⏳ The working group is looking into request { $number }. We will tell you the outcome here.
complaints-notice-answered = 💬 The working group has handled request { $number }. If you have another question, reply to this message or write from /mytickets.
complaints-notice-closed = 🔒 Request { $number } was closed. Thank you for telling us. How would you rate the working group's handling, from 1 to 5?
complaints-notice-reopened = 🔓 Request { $number } was reopened and the working group is following it up.
complaints-answer-header = 💬 The working group's answer to request { $number }:
complaints-button-write = ✍️ Reply
complaints-button-solved = ✅ My problem is solved
complaints-rate-button = { $stars } ⭐
complaints-rate-ask = How would you rate the handling of request { $number }, from 1 (poor) to 5 (excellent)?
complaints-rate-thanks = Thank you! Your rating of { $stars } out of { $max } was saved.
complaints-rate-already = Your rating was already saved. Thank you.

complaints-followup-ask = Write your message about request { $number }, or send photos and files; everything you send is added to this request. Press “Done” when finished.
complaints-followup-sent = ✅ Your message was added to request { $number } and reached the working group.
complaints-followup-queued = ✅ Your message was added to request { $number } and will reach the working group as soon as possible.
complaints-followup-unsupported = Only text, photos and files can be added to a request.
complaints-followup-closed = Request { $number } is closed. If the problem remains, reopen it or file a new request.
complaints-followup-done = All right. Write again any time from /mytickets.
complaints-button-done = ✔️ Done
complaints-button-reopen = 🔓 Reopen the request
complaints-button-new = 📝 New request
complaints-closed-by-you = Request { $number } was closed. If you like, rate the working group's handling from 1 to 5:
complaints-already-closed = Request { $number } is already closed.
complaints-reopened = 🔓 Request { $number } was reopened. Please write what is still wrong.

complaints-my-title = Your requests ({ $count }): choose one to see its details and answers.
complaints-my-empty = You have not filed any request yet. If something went wrong with your giving, tell the working group.
complaints-my-button = { $status } · { $number } · { $category }
complaints-view =
    Request { $number }
    Topic: { $category }
    Status: { $status }
    Filed: { $created }

    Description:
    { $description }

    Conversation:
    { $conversation }
complaints-view-line = • { $who } ({ $when }): { $text }
complaints-view-you = You
complaints-view-staff = Working group
complaints-view-photo = [photo]
complaints-view-file = [file]
complaints-view-no-messages = No messages yet.
complaints-view-rating = Your rating: { $stars } out of { $max }
complaints-button-close = ✅ Close the request
complaints-button-rate = ⭐ Rate the handling
complaints-button-back-to-list = ‹ My requests
complaints-button-my-tickets = 📋 My requests

## The working group's chat

complaints-staff-card =
    🎫 Request { $number } · { $status }
    Topic: { $category }
    Donor: { $donor }
    Contact number: { $mobile }
    Related donation: { $donation }
    Filed: { $created } ({ $age } ago)
    Assignee: { $assignee }
    Attachments: { $attachments }

    { $description }
complaints-staff-card-rating = ⭐ Donor's rating: { $stars } out of { $max }
complaints-staff-card-hint = ↩️ To answer the donor, reply to this message or press “Reply”; other messages stay internal notes.
complaints-staff-anonymous = 🙈 anonymous
complaints-staff-unassigned = nobody yet
complaints-staff-button-take = 🙋 Take
complaints-staff-button-reply = ↩️ Reply
complaints-staff-button-in-progress = ⏳ In progress
complaints-staff-button-answered = 💬 Answered
complaints-staff-button-close = 🔒 Close
complaints-staff-button-reopen = 🔓 Reopen
complaints-staff-relay = 📩 New message from the donor · { $number } · { $donor }
complaints-staff-relay-attachment = 📎 Attachment of request { $number } · { $donor }
complaints-staff-denied = Only members of the working group and admins may do this.
complaints-staff-other-province = This ticket belongs to another province office; you work on your own provinces’ tickets only.
complaints-staff-unknown = This request was not found, or this button is no longer valid.
complaints-staff-error-closed = This request is closed. Press “Reopen” first to go on.
complaints-staff-error-invalid = This status change is not possible.
complaints-staff-already-yours = This request is already yours.
complaints-staff-taken = You took request { $number }.
complaints-staff-notice-taken = 🙋 { $operator } took request { $number }.
complaints-staff-same-status = The status already is “{ $status }”.
complaints-staff-status-set = Status set: { $status }
complaints-staff-notice-status = { $operator } set request { $number } to “{ $status }”.
complaints-staff-donor-blocked = ⚠️ The donor blocked the bot; they were not told.
complaints-staff-donor-failed = ⚠️ The donor was not told (messenger error).
complaints-staff-reply-prompt = ✍️ { $operator }, send your answer to request { $number } (text, photo or file). Your name is not shown to the donor. /cancel to stop.
complaints-staff-reply-toast = Send your answer to { $number }.
complaints-staff-reply-cancelled = Answering cancelled.
complaints-staff-note-saved = 📝 Internal note kept for request { $number } (shown in the console, never sent to the donor).
complaints-staff-note-how = For an internal note, reply to a request's card or message with: /note your note
complaints-staff-note-too-long = The note is too long; please shorten it.
complaints-staff-answer-ok = ✅ The answer was sent to the donor ({ $number }).
complaints-staff-answer-blocked = ⚠️ The answer did not reach the donor: they blocked the bot. It stays in request { $number }, and they will see it in “My requests” if they come back.
complaints-staff-answer-failed = ⚠️ The answer did not reach the donor (messenger error). It stays in request { $number }; please send it again a little later.
complaints-staff-answer-closed = 🔒 Request { $number } is closed; this message was not sent to the donor. Press “Reopen” first if needed.
complaints-staff-answer-unsupported = This kind of message cannot be sent to the donor. Send text, a photo, a file, a video or audio.
complaints-staff-not-a-ticket = This message belongs to no request, so it was not sent to anyone. To answer a donor, reply to a request's card or to the donor's message.
complaints-staff-notice-donor-closed = 🔒 The donor closed request { $number }.
complaints-staff-notice-donor-reopened = 🔓 The donor reopened request { $number }.
complaints-staff-notice-rated = ⭐ The donor rated the handling of request { $number }: { $stars } out of { $max }.
complaints-staff-reminder = ⏰ Reminder: request { $number } ({ $category }) has waited { $waiting } for the working group. Assignee: { $assignee } · reminder { $count }
complaints-staff-card-failed = The request's card could not be sent; please try again.
complaints-staff-overview =
    📥 Donors' requests inbox
    Open: { $total } (filed { $new } · in progress { $progress } · answered { $answered })
    ⏰ Overdue (no action for more than { $hours ->
            [one] { $hours } hour
           *[other] { $hours } hours
        }): { $overdue }
    Unassigned: { $unassigned }

    By topic:
    { $categories }

    Longest waiting:
    { $oldest }

    Assigned to you:
    { $mine }
complaints-staff-overview-category = • { $category }: { $count }
complaints-staff-overview-line = { $overdue }{ $number } · { $category } · { $status } · { $age }
complaints-staff-overview-button = 📌 { $number }
complaints-staff-overview-empty = 📥 No open requests. 🌱

## Staff tools: the tickets export, the /stats section and /health
complaints-export-title = Tickets and complaints
complaints-export-col-number = Ticket number
complaints-export-col-category = Category
complaints-export-col-status = Status
complaints-export-col-created = Filed at
complaints-export-col-first-answer = First answer
complaints-export-col-closed = Closed at
complaints-export-col-rating = Donor's rating
complaints-export-col-donor = Donor
complaints-export-col-mobile = Mobile
complaints-export-anonymous = Anonymous
complaints-export-category-payment = Payment or receipt
complaints-export-category-transparency = Campaign transparency
complaints-export-category-conduct = Staff conduct
complaints-export-category-dowry = Dowry process
complaints-export-category-technical = Technical problem
complaints-export-category-suggestion = Suggestion
complaints-export-category-other = Other
complaints-export-status-new = Filed
complaints-export-status-in_progress = In progress
complaints-export-status-answered = Answered
complaints-export-status-closed = Closed
complaints-stats-title = 📨 Tickets and complaints
complaints-stats-by-status = All: { $total } — filed: { $new }, in progress: { $progress }, answered: { $answered }, closed: { $closed }
complaints-stats-month = Filed this month: { $count }
complaints-stats-overdue = Waiting more than { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }: { $count }
complaints-stats-first-answer = Median time to first answer: { $duration } (of { $count ->
        [one] { $count } ticket
       *[other] { $count } tickets
    })
complaints-stats-first-answer-none = No ticket has been answered yet.
complaints-stats-close = Median time to close: { $duration } (of { $count ->
        [one] { $count } ticket
       *[other] { $count } tickets
    })
complaints-stats-close-none = No ticket has been closed yet.
complaints-health-open = Open tickets
complaints-health-overdue = Overdue tickets

## Limits and blocking (what one person may send to the working group)

complaints-limit-blocked = Sending messages to the working group from your account is closed for now. If you think this is a mistake, please contact your county's welfare office.
complaints-limit-quota-question = You have sent enough questions to a staff member this hour, and your earlier ones are waiting for an answer. You can send a new question from { $when } (in about { $wait }).
complaints-limit-cooldown-question = Your previous question was sent to a staff member just now. Please wait a little: you can send a new question from { $when } (in about { $wait }).
complaints-limit-quota-ticket = You have filed enough requests today, and your earlier ones are being handled. You can file a new request from { $when } (in about { $wait }); until then you can add messages to your earlier requests in “My requests”.
complaints-limit-cooldown-ticket = Your previous request was filed just now. Please wait a little: you can file a new request from { $when } (in about { $wait }).
complaints-limit-quota-followup = You have sent many messages to the working group this hour, so this one was not sent. Please send it again from { $when } (in about { $wait }).
complaints-staff-button-block = ⛔ Block this person
complaints-staff-button-unblock = ✅ Unblock
complaints-staff-blocked = ⛔ { $operator } blocked this person: no new question, request or message from them reaches the working group. Press “Unblock” to undo.
complaints-staff-blocked-toast = This person is blocked.
complaints-staff-blocked-already = This person was already blocked.
complaints-staff-unblocked = ✅ { $operator } unblocked this person: their messages reach the working group again.
complaints-staff-unblocked-toast = Unblocked.
complaints-staff-unblocked-already = This person is not blocked.
complaints-staff-donation-hidden = About one of the donor's donations (its details are hidden to keep the donor anonymous)

## Back, a staff-behaviour complaint, a short description, a low rating

complaints-description-too-short = That is not enough for the working group to act on. Please write at least { $minimum ->
        [one] { $minimum } character
       *[other] { $minimum } characters
    }: what happened, when and where.
complaints-donation-button = { $date } · { $amount } · { $target }
complaints-back-to-anonymity = ↩️ Back to the previous step.
complaints-rate-why = If you like, tell us in a sentence or two what disappointed you, so the working group can do better. This is optional.
complaints-button-no-reason = I'd rather not say
complaints-rate-why-text-only = Please write the reason as text, or press “I'd rather not say”.
complaints-rate-reason-thanks = Thank you! Your feedback reached the working group.
complaints-rate-reason-skipped = That's fine; your rating is saved.
complaints-staff-notice-rating-reason = 💬 Reason for the low rating of request { $number }: “{ $reason }”
complaints-staff-card-rating-reason = 💬 Reason for the rating: “{ $reason }”
