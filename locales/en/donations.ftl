## Donations: the donate flow, payments, receipts, history, and the gateway's return page.

donations-menu = 💝 Donate
donations-cmd-donate = Donate to a campaign or a region
donations-cmd-mydonations = My donations and receipts

donations-purpose-living = Living costs
donations-purpose-housing = Housing
donations-purpose-dowry = Dowry kits
donations-purpose-alms = Alms
donations-purpose-orphans = Orphans
donations-purpose-general = General needs
donations-purpose-button-living = 🍞 Living costs
donations-purpose-button-housing = 🏠 Housing
donations-purpose-button-dowry = 🎁 Dowry kits
donations-purpose-button-alms = 🤲 Alms
donations-purpose-button-orphans = 🧒 Orphans
donations-purpose-button-general = 💚 General needs

donations-region-national = anywhere in Iran
donations-region-province = { $province } province
donations-region-county = { $county } county, { $province } province
donations-target-campaign = Campaign «{ $title }»
donations-target-purpose = { $purpose } — { $region }

donations-start =
    💝 Where should your gift go?
    Choose one of the current campaigns, or a purpose and region of your own.
donations-start-no-campaigns =
    💝 Where should your gift go?
    There is no campaign running right now; choose a purpose and region of your own.
donations-campaign-button = 📣 { $title }
donations-choose-purpose-button = 🎯 Choose a purpose and region
donations-unavailable = Payments are not available right now. Please come back a little later; thank you for your support.
donations-banned = Donations cannot be accepted from this account at the moment. Please contact the Welfare Organization's support.

donations-purpose-prompt = What should your gift be used for?
donations-province-prompt =
    { $purpose } — in which province?
    Choose from the list or type the province's name.
donations-province-anywhere = 🇮🇷 Anywhere in Iran, where it is needed most
donations-province-did-you-mean = Which province do you mean?
donations-region-did-you-mean = Which one do you mean?
donations-province-not-found = I could not find a province called «{ $text }». Please choose from the list or type the name again.
donations-county-prompt =
    { $province } province — which county?
    Choose from the list or type the county's name.
donations-county-whole = 🏙 All counties of { $province } province
donations-county-did-you-mean = Which county do you mean?
donations-county-not-found = I could not find a county called «{ $text }» in { $province } province. Please choose from the list or type the name again.

donations-amount-prompt =
    🎯 { $target }
    How much would you like to give? Press one of the amounts below or type your own in toman (for example 75 thousand).
    The minimum is { $min } and the maximum { $max }.
donations-amount-button = { $amount }
donations-amount-custom = ✍️ Another amount
donations-amount-custom-prompt = Type the amount in toman, for example 75000, 75 thousand or 1.5 million.
donations-amount-unreadable = I could not read that amount. Please type it in toman, for example 50000, 50 thousand or fifty thousand toman.
donations-amount-zero = The amount must be more than zero. The minimum gift is { $min }.
donations-amount-too-small = The minimum gift is { $min }. Please type a larger amount.
donations-amount-too-large = The most one payment can be is { $max }. To give more, you can pay several times.
donations-amount-slip = Did you mean { $amount }?
donations-amount-slip-rials = Did you mean { $rials } rials, that is { $amount }?
donations-amount-slip-yes = ✅ Yes, { $amount }
donations-amount-slip-no = ✏️ No, I will type the amount again
donations-amount-foreign-currency = Gifts are paid in toman. Please type the amount in toman, for example 75 thousand toman.
donations-use-buttons = Please press one of the buttons above, or send /cancel to leave.
donations-text-expected = Please type the amount or name as text, or press one of the buttons.

donations-confirm =
    Please check:
    🎯 { $target }
    💰 Amount: { $amount }
    If this is right, choose how to pay.
donations-change-amount = ✏️ Change the amount
donations-pay-bale_wallet = 💳 Pay from my Bale wallet
donations-pay-telegram = 💳 Pay in Telegram
donations-pay-telegram_stars = ⭐ Pay { $stars } Telegram Stars
donations-pay-zarinpal = 🏦 Pay by bank card (Zarinpal)

donations-invoice-title = A gift to Hamdel
donations-invoice-description = { $target } — { $amount }
donations-invoice-label = Donation
donations-invoice-sent = The invoice for your { $amount } gift is in the next message. Press its Pay button; your receipt will arrive here.
donations-gateway-sent =
    To pay { $amount }, press the button below to go to the secure bank gateway.
    Your receipt will arrive here after you pay.
donations-invoice-refused = This amount could not be paid this way and nothing was charged. Please try again, or choose another amount or way to pay.
donations-gateway-button = 🏦 Go to the payment gateway
donations-gateway-down = The bank gateway is not answering right now and nothing was charged. Please try again in a few minutes.
donations-campaign-closed = This campaign has ended. Please choose a current campaign or a purpose and region.
donations-stale = This button belongs to an older message and no longer works; continue from the latest message (or send /donate).
donations-already-paid = This gift has already been paid. Thank you for your kindness!

donations-precheckout-unknown = This invoice is not valid; please start again with /donate.
donations-precheckout-not_yours = This invoice was made for someone else; to give, start with /donate.
donations-precheckout-already_paid = This invoice has already been paid and cannot be paid again. To give again, start with /donate.
donations-precheckout-expired = This invoice is no longer valid; please start again with /donate.
donations-precheckout-mismatch = This invoice's amount does not match your order; please start again with /donate.
donations-precheckout-campaign_closed = This campaign has ended and takes no new gifts. See the current campaigns with /campaigns.
donations-precheckout-banned = Payments cannot be accepted from this account at the moment.
donations-precheckout-busy = The system is busy for a moment and nothing was charged; please pay again in a few seconds.

donations-receipt =
    🧾 Your donation receipt
    Receipt number: { $number }
    Amount: { $amount }
    Date: { $date }
    For: { $target }

    Thank you for your kindness and support 🌱
donations-receipt-history = 📜 My donations
donations-receipt-campaigns = 📣 Campaigns
donations-receipt-copy =
    📄 Copy of a receipt
    { $receipt }
donations-history-receipt-button = 🧾 Receipt { $index }
donations-payment-failed =
    The payment of { $amount } for { $target } did not go through and no gift was recorded. If your account was charged, the bank returns the money within 72 hours.
    Would you like to try again?
donations-retry = 🔁 Try again
donations-paid-in-currency = { $amount } { $currency }
donations-held =
    🙏 Your payment ({ $paid }) has arrived; thank you.
    Its amount or currency does not match your donation's invoice, so Hamdel's staff are reviewing it and no receipt is issued until they finish.
donations-held-staff =
    ⚠️ A payment is held for review
    Donation number: { $id }
    Paid: { $paid }
    Invoice: { $ordered }
    Payment reference: { $reference }
    Time: { $date }
    It counts toward no total or statistic until it is settled.
donations-held-staff-no-order = no invoice found

donations-history-title = 📜 Your donations: { $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    }, { $total } in all
donations-history-line =
    { $index }. { $date } — { $amount }
    { $target } · receipt { $receipt }
donations-history-refunded =
    { $index }. { $date } — { $amount } (refunded)
    { $target } · receipt { $receipt }
donations-history-page = Page { $page } of { $pages }
donations-history-empty = You have no recorded donations yet. Your first one could be right now 💝
donations-history-donate = 💝 Donate again

donations-page-title = Hamdel — payment result
donations-page-success-heading = Your payment went through
donations-page-success = Your payment is confirmed; its receipt is in your chat with Hamdel. Thank you for your kindness.
donations-page-failed-heading = The payment did not go through
donations-page-cancelled = The payment was cancelled or failed and no gift was recorded. If your account was charged, the bank returns the money within 72 hours.
donations-page-pending-heading = Waiting for the bank
donations-page-pending = Your payment is not confirmed yet. Open this page again in a few minutes; we will also tell you in your chat with Hamdel. If it is not confirmed, the bank returns the money within 72 hours.
donations-page-unknown-heading = Payment not found
donations-page-unknown = We do not know this payment. If you paid through Hamdel, go back to the chat and send /mydonations.
donations-page-back = Back to Hamdel
