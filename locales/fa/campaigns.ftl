## Campaign cards.

campaigns-menu = 📣 پویش‌ها
campaigns-cmd = پویش‌های جاری و پیشرفتشان
campaigns-none = الان پویش فعالی نداریم. می‌توانید برای هدف و منطقهٔ دلخواهتان کمک کنید.
campaigns-card =
    📣 { $title }
    { $description }

    { $bar } { $percent }٪
    💰 { $raised } از { $goal }
    👥 { $donors } نیکوکار · { $remaining }
    📍 { $region } · { $purpose }
campaigns-card-position = پویش { $position } از { $count }
campaigns-days-left = ⏳ { $days } روز مانده
campaigns-last-day = ⏳ کمتر از یک روز مانده
campaigns-ended = پایان یافته
campaigns-donate = 💝 کمک به این پویش
campaigns-donate-other = 💝 کمک به هدف و منطقهٔ دلخواه
