## Campaign cards.

campaigns-menu = 📣 Campaigns
campaigns-cmd = Current campaigns and their progress
campaigns-none = There is no campaign running right now. You can give to a purpose and region of your choice.
campaigns-card =
    📣 { $title }
    { $description }

    { $bar } { $percent }%
    💰 { $raised } of { $goal }
    👥 { $donors ->
            [one] { $donors } donor
           *[other] { $donors } donors
        } · { $remaining }
    📍 { $region } · { $purpose }
campaigns-card-position = Campaign { $position } of { $count }
campaigns-days-left = ⏳ { $days ->
        [one] { $days } day
       *[other] { $days } days
    } left
campaigns-last-day = ⏳ less than a day left
campaigns-ended = ended
campaigns-donate = 💝 Donate to this campaign
campaigns-donate-other = 💝 Give to a purpose and region
