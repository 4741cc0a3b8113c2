# Console: roles, province offices and the audit log

console-nav-roles = Roles
console-nav-audit = Audit log
console-forbidden-admin-role = This section is for admins only.
console-fact-province = Province office
console-scope-provinces = 📍 Province office: { $provinces }

## Roles

console-roles-title = Staff roles
console-roles-staff = Staff
console-roles-none = No roles have been granted yet.
console-roles-person = User { $id }
console-roles-from-settings = Admin from the settings
console-roles-national = The whole country
console-roles-revoke = Remove role
console-roles-edit-provinces = Change the provinces
console-roles-save-provinces = Save provinces
console-roles-provinces = Provinces
console-roles-provinces-hint = Tick no province for the whole country. The administrator role always covers the whole country.
console-roles-grant-title = Grant a role
console-roles-user-id = Numeric user id
console-roles-user-id-hint = Only someone who has opened the bot at least once can get a role; /id shows them their id.
console-roles-role = Role
console-roles-grant = Grant role
console-roles-confirm-admin = Make user { $user } an administrator? Administrators may use every tool, including granting and removing roles.
console-roles-confirm-yes = Yes, make them admin
console-roles-confirm-no = No, go back
console-roles-done-granted = User { $user } got the role.
console-roles-done-revoked = The role was removed from user { $user }.
console-roles-done-scoped = The provinces of user { $user }’s role were saved.
console-roles-done-already = Nothing changed: user { $user } already has that.
console-roles-done-not_held = User { $user } does not have that role.
console-roles-done-from_settings = User { $user } is an administrator through the settings (ADMIN_IDS) and can only be removed there.
console-roles-done-not_self = You cannot remove your own administrator role.
console-roles-done-national_only = The administrator role covers the whole country; it cannot be limited to provinces.
console-roles-done-unknown_user = User { $user } has never used this bot.
console-roles-done-needs_confirmation = Making user { $user } an administrator needs confirming.
console-roles-done-unknown_province = A province was not recognised.
console-roles-problem-bad-person = The user id must be a number, e.g. 12345678.
console-roles-problem-bad-role = That role is not known.
console-roles-problem-unknown_user = This person has never used this bot, so no role was given (perhaps the id is mistyped).
console-roles-problem-unknown_province = A ticked province was not recognised; open the page again.

## Audit log

console-audit-title = Staff audit log
console-audit-person = User id
console-audit-person-hint = Empty: everyone’s actions
console-audit-action = Action
console-audit-action-hint = An action or its beginning, e.g. role or ticket.close
console-audit-from = From
console-audit-to = To
console-audit-date-placeholder = 1405/09/01
console-audit-bad-person = The user id must be a number.
console-audit-bad-from = «From» is not a valid date; write e.g. 1405/09/01.
console-audit-bad-to = «To» is not a valid date; write e.g. 1405/09/30.
console-audit-total = { $count ->
    [one] One entry
   *[other] { $count } entries
} — page { $page } of { $pages }
console-audit-empty = No entries found.
console-audit-channel-chat = in the chat
console-audit-channel-console = in the console
