## Entry, navigation and everything every feature shares.

start-welcome =
    Hello { $name }, welcome to Hamdel 🌱
    Hamdel is the State Welfare Organization's assistant for donors and beneficiaries: small donations to campaigns and regions of your choice, dowry-kit eligibility, application status, answers to your questions, and a direct line from charity donors to the working group.
    Choose from the menu below.
menu-title = Hamdel main menu — what can I do for you?
help-text =
    Hamdel help:
    { $commands }

    At any step /cancel leaves what you are doing and /start brings back the main menu.
    You can also type your question here in your own words.
help-command-line = /{ $command } — { $description }

cmd-start = Start and main menu
cmd-help = Help
cmd-language = Change language
cmd-id = My user id
cmd-cancel = Cancel what you are doing

menu-language = 🌐 زبان / Language

language-choose = Choose the conversation language:
language-changed = The conversation is now in English.
language-name-fa = فارسی
language-name-en = English
profile-your-id = Your id in this bot: { $user_id } (if Hamdel staff ask for your id, send them this number).
profile-id =
    🆔 Your id in this bot: { $user_id }
    If Hamdel staff ask for your id to give you access, send them this number.

common-cancel-button = ✖️ Cancel
common-home-button = 🏠 Main menu
common-back-button = ← Back
common-next-page = Next ›
common-previous-page = ‹ Previous
common-yes = Yes
common-no = No
# A multi-select option: chosen or not, then its name.
common-toggle = { $mark } { $label }
common-mark-on = ✅
common-mark-off = ⬜️
common-confirm = ✅ Confirm
common-edit = ✏️ Edit

cancel-done = Cancelled. Start again from the menu whenever you like.
cancel-nothing = There was nothing to cancel.

fallback-unknown-command = I don't know the command { $command }. Choose from the menu below or send /help.
fallback-text = I didn't understand that. Choose from the menu below or write your question in more detail.
fallback-media = I can't read this kind of message. Please write text or choose from the menu.
fallback-edited = I don't follow edits to earlier messages; please send the new text again.
fallback-stale-button = This button is no longer valid. Please choose from a fresh menu.
# A pay/confirm button pressed again (a double tap, an old message): nothing was repeated.
common-already-done = That has already been done.
fallback-too-long = Your message is too long (over { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }). Please write it shorter.
group-private-only = To talk to Hamdel please write to me privately: @{ $username }

error-generic = Sorry, something went wrong and your request was not completed. Nothing was lost; please try again in a moment.
error-button = Something went wrong; please try again.
access-denied = Only authorised staff can do this.
common-county-in-province = { $county }, { $province }

# A command or a main-menu button left a flow past its first step (bot/flows.py).
flow-left = { $flow ->
    [DonateFlow] Your unfinished donation was set aside.
    [Eligibility] The unfinished dowry-kit questionnaire was set aside.
    [StatusForm] The unfinished application lookup was set aside.
    [Filing] Your unfinished complaint was set aside and not filed.
    [FollowUp] Your unfinished follow-up was set aside and not sent.
    [FaqForm] Your unfinished question to an expert was set aside and not sent.
    [Form] The unfinished volunteer form was set aside.
    [ProvinceInput] The unfinished province choice was set aside.
    [Composer] The broadcast you were writing was left unfinished; its draft is kept.
    [CampaignForm] The unfinished campaign form was set aside.
    [StatusImport] The status import was set aside.
    [ExportForm] The unfinished export was set aside.
    [RolesForm] The unfinished role change was set aside.
    [AuditForm] The unfinished audit search was set aside.
    [RatingReason] Your unfinished note about your rating was set aside.
   *[other] The unfinished task was set aside.
}

# A personal number typed in a message was masked before it was kept (services/privacy.py).
privacy-masked = 🔒 We masked the { $kinds } in your message before keeping it (all but the last four digits); there is no need to write such numbers in a message.
privacy-kind-national_code = national code
privacy-kind-mobile = mobile number
privacy-kind-card = bank card number
privacy-kind-iban = IBAN (Sheba)
privacy-kinds-separator = {", "}
