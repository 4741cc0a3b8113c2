## The console's campaign pages: the list, the form with the card's preview, closing.

console-nav-campaigns = Campaigns
console-forbidden-campaign-role = Only admins and campaign managers can work on campaigns.
console-campaign-not-found = There is no such campaign.

console-campaigns-title = Campaigns
console-campaigns-total = { $count ->
        [one] { $count } campaign
       *[other] { $count } campaigns
    }
console-campaigns-empty = No campaign has been created yet.
console-campaign-new = New campaign
console-campaign-edit-title = Edit campaign
console-campaign-back = ↩️ Campaign list
console-campaign-progress = { $raised } of { $goal } ({ $percent }%), { $donors ->
        [one] { $donors } donor
       *[other] { $donors } donors
    }
console-campaign-progress-label = Campaign progress
console-campaign-dates = from { $starts } to { $ends }
console-campaign-status-title = Status

console-campaign-done-created = ✅ The campaign was saved as a draft; activate it to show it in the chat.
console-campaign-done-saved = ✅ Changes saved.
console-campaign-done-unchanged = Nothing had changed.
console-campaign-done-activate = ✅ The campaign is active.
console-campaign-done-pause = ⏸ The campaign is paused.
console-campaign-done-close = ⏹ The campaign is closed.

console-campaign-field-title-fa = Title (Persian)
console-campaign-field-title-en = Title (English)
console-campaign-field-description-fa = Description (Persian)
console-campaign-field-description-en = Description (English)
console-campaign-field-purpose = Purpose
console-campaign-field-province = Province
console-campaign-field-county = County
console-campaign-whole-province = The whole province
console-campaign-field-goal = Goal (toman)
console-campaign-hint-goal = In digits or words, like “500 million” or “2,000,000”.
console-campaign-field-starts = Start date
console-campaign-field-ends = End date
console-campaign-hint-dates = A Solar Hijri date, like 1405/09/15 or “15 Azar 1405”; the campaign stays open to the end of its last day.
console-campaign-field-image = Picture
console-campaign-image-alt = The campaign's picture
console-campaign-no-image = No picture
console-campaign-preview-button = Preview
console-campaign-save = Save
console-campaign-preview-title = The campaign card in the chat

console-campaign-close-title = Close the campaign
console-campaign-close-ask = Close the campaign “{ $title }”? A closed campaign takes no more donations and cannot be reopened.
console-campaign-close-sure = Yes, close it
console-campaign-close-back = No, go back

console-picture-hint = A JPEG or PNG photo, 5 MB at most.
console-upload-caption = 🖼 The picture you sent in the console (for its preview and saving).
console-picture-empty = The file was empty.
console-picture-too_big = This file is larger than 5 MB; send a smaller photo.
console-picture-not_an_image = This file is not a JPEG or PNG photo.
console-picture-too_small = This photo is too small; it should be at least 100 by 100 pixels.
console-picture-too_large = This photo is larger than the messenger accepts.
console-picture-shape = This photo is too long and thin; at most 20 to 1.
console-picture-not_delivered = The messenger did not take this photo; try again in a little while.
console-forbidden-desk-role = The desk (requests and questions) is for admins and operators; you have campaigns and broadcasts.
console-campaign-error-scope = This region is outside the provinces you work with.
