# The console's exports and status import (console/exports.py)
console-nav-exports = Exports
console-forbidden-exports-role = This export is not for your role.
console-forbidden-import-role = Importing application statuses is for admins only.
console-exports-title = Exports
console-exports-intro = The bot's exports with the same privacy rules; every export goes on the audit log.
console-exports-period = Period
console-exports-from = From
console-exports-to = To
console-exports-custom-hint = The dates apply with “Custom range” only, e.g. 1405/01/01 to 1405/09/30.
console-exports-campaign = Campaign
console-exports-empty = No rows for “{ $title }” in this period; no file was made.
console-exports-error-format = Unknown file format.
console-exports-error-campaign = That campaign was not found.
console-import-title = Import application statuses
console-import-upload = Upload a file
console-import-help = A CSV file with the columns tracking code, national code, status, date (and an optional note); at most { $size }. In Excel use “Save as” and “{ $format }”.
console-import-statuses = Statuses: { $statuses }
console-import-file = CSV file
console-import-check = Check the file (nothing is saved)
console-import-no-file = No file was chosen.
console-import-stale = This form is stale or its file changed; upload and check the file again.
console-import-check-title = Checking “{ $name }”
console-import-good = Good rows
console-import-bad = Bad rows
console-import-would-create = New applications
console-import-would-status = Status changes (followers are told)
console-import-would-update = Other changes
console-import-would-keep = Unchanged
console-import-nothing-written = Nothing has been saved yet. Look at the lines and confirm the import if they are right.
console-import-confirm = { $count ->
    [one] Import one good row
   *[other] Import { $count } good rows
}
console-import-cancel = Cancel
console-import-lines = Line by line
console-import-line = Line { $line }
console-import-more-lines = { $count ->
    [one] and one more line (not listed)
   *[other] and { $count } more lines (not listed)
}
console-import-duplicate-of = { $problem } (line { $line })
console-import-action-create = new application, status “{ $status }”
console-import-action-status = status changes to “{ $status }”
console-import-action-update = note or date changes
console-import-action-unchanged = unchanged
console-import-action-new-owner = a different national code: the application passes to another person and its followers are dropped
console-import-job = Import of “{ $name }”, started { $when }
console-import-progress = Rows imported: { $done } of { $total }…
console-import-refresh = This page refreshes itself every few seconds.
console-import-refresh-now = Refresh
console-import-failed = The import stopped midway (rows imported: { $done } of { $total }). Importing the same file again is safe: imported rows are not repeated.
console-import-done = The import is finished.
console-import-created = New applications
console-import-updated = Updated
console-import-unchanged = Unchanged
console-import-notified = Status-change notices
console-import-another = Import another file
console-import-not-found = This import was not found.
