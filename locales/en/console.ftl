## The working group's web console

console-title = Hamdel console
console-skip = Skip to the content
console-nav = Console sections
console-nav-home = Home
console-nav-tickets = Tickets
console-signout = Sign out
console-signout-everywhere = Sign out everywhere

## Signing in (the chat side)

console-command = Open the web console
console-admin-button = 🖥 Web console
console-link =
    Your sign-in link to the web console (single use, valid for { $minutes ->
        [one] one minute
       *[other] { $minutes } minutes
    }):
    { $url }
    Do not share it: whoever opens it first is signed in as you.
console-denied = The web console is for the working group's operators and administrators.
console-off = The web console is not switched on for this bot (CONSOLE_PUBLIC_URL).

## Signing in (the browser side)

console-signin-title = Sign in
console-signin-confirm = Sign in to the console as { $name }?
console-signin-button = Sign in
console-signed-out-title = Not signed in
console-how-to-sign-in = To sign in, send /console to the bot and open the link it gives you.
console-reason-no-session = Your session has ended or you are not signed in.
console-reason-signed-out = You have signed out.
console-reason-link-forged = This sign-in link is not valid.
console-reason-link-expired = This sign-in link has expired.
console-reason-link-used = This sign-in link has already been used.
console-reason-role = Your account has no console access (operators and administrators only).
console-web-app-outside = This page works only inside the messenger (the «Open the console» button under /console's answer). In a browser, open /console's sign-in link.
console-web-app-button = 🖥 Open the console here
console-forbidden-title = Request refused
console-forbidden-csrf = The form was out of date or did not come from the console. Reload the page and try again.
console-forbidden-origin = The request did not come from the console's own pages.
console-not-found-title = Not found
console-not-found = There is no such ticket.
console-too-large-title = Too large
console-too-large = What you sent is larger than this form takes. Send a smaller file or a shorter text and try again.

## Home

console-home-title = What needs attention
console-figure-open = { $count ->
    [one] open ticket
   *[other] open tickets
}
console-figure-overdue = { $count ->
    [one] ticket past the SLA
   *[other] tickets past the SLA
}
console-figure-unassigned = { $count ->
    [one] ticket with nobody assigned
   *[other] tickets with nobody assigned
}
console-figure-mine = { $count ->
    [one] ticket assigned to me
   *[other] tickets assigned to me
}
console-figure-questions = { $count ->
    [one] question waiting for a person
   *[other] questions waiting for a person
}
console-figure-donations = { $count ->
    [one] donation today
   *[other] donations today
}
console-questions-title = Questions waiting for a person
console-questions-none = No question is waiting.
console-question-answer-label = Your answer (the bot sends it to the person who asked)
console-question-answer-button = Send the answer
console-question-sent = The answer was sent.
console-question-answered = Someone has answered this question already.
console-question-empty = Write the answer first (at most a message's length).
console-question-blocked = The person has blocked the bot: the answer could not be delivered.
console-question-failed = The answer could not be delivered; try again in a moment.

## The queue

console-queue-title = Tickets
console-search-label = Search
console-search-placeholder = Ticket or receipt number, or words
console-filter-status = Status
console-filter-category = Category
console-filter-age = Filed
console-filter-assignee = Assigned to
console-filter-overdue = Past the SLA
console-filter-anonymous = Anonymous
console-filter-apply = Show
console-quick-filters = Quick filters
console-any = Any
console-assignee-me = Me
console-assignee-none = Nobody
console-status-open = Open
console-status-new = Filed
console-status-in_progress = In progress
console-status-answered = Answered
console-status-closed = Closed
console-count-over = over { $count }
console-status-all = All
console-age-1d = over a day ago
console-age-3d = over 3 days ago
console-age-7d = over a week ago
console-age-30d = over a month ago
console-queue-total = { $count ->
    [one] One ticket
   *[other] { $count } tickets
}
console-queue-empty = No ticket matches.
console-overdue-badge = past the SLA
console-anonymous-badge = anonymous
console-pages = Pages
console-previous = Previous
console-next = Next
console-page-of = Page { $page } of { $pages }

## A ticket

console-fact-status = Status
console-fact-category = Category
console-fact-filed = Filed
console-fact-assignee = Assigned to
console-fact-donor = Donor
console-fact-rating = Rating
console-fact-donation = Linked donation
console-receipt = receipt
console-thread-title = Conversation and history
console-from-donor = Donor
console-from-staff = Reply by { $name }
console-via-console = from the console
console-not-delivered = not delivered
console-note-by = Internal note by { $name }
console-event-by = { $name }
console-event-take = took the ticket ({ $status })
console-event-assign = assigned the ticket ({ $status })
console-event-status = set the status to “{ $status }”
console-event-reopen = reopened the ticket ({ $status })
console-photo = Photo sent with the ticket
console-download = Download the attachment ({ $kind })
console-actions = Actions
console-reply-label = Reply to the donor (the bot sends it)
console-reply-button = Send the reply
console-note-label = Internal note (never sent to the donor)
console-note-button = Add the note
console-assign-label = Assign to
console-assign-button = Assign
console-status-label = Status
console-status-button = Set the status
console-close-label = Close with the reason
console-close-button = Close the ticket
console-close-reason-resolved = resolved
console-close-reason-duplicate = duplicate
console-close-reason-no-response = no response from the donor
console-close-reason-out-of-scope = not for the working group
console-close-reason-other = other
console-reopen-button = Reopen the ticket
console-done-reply = The reply was sent to the donor.
console-done-note = The note was added.
console-done-assign = The ticket was assigned.
console-done-status = The status was changed.
console-done-unchanged = Nothing to change: the ticket is already so.
console-problem-stale = Someone changed this ticket while you were looking at it. Here it is as it is now; your text is kept — check and send again.
console-problem-closed = The ticket is closed: reopen it first.
console-problem-empty = Write something first.
console-problem-too-long = The text is too long.
console-problem-invalid = That action is not possible for this ticket.
console-problem-not-found = There is no such ticket.
console-problem-duplicate = This reply was already sent.
console-problem-unchanged = Nothing to change.
console-problem-done = Done.
console-live-changed = Something changed here: show the latest.

## The staff chat hears of console actions

console-staff-notice-reply =
    💬 { $operator } answered { $number } from the console:
    { $text }
