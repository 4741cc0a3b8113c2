## Subscriptions (🔔), broadcasts (📣) and automatic campaign notices.

menu-subscriptions = 🔔 اطلاع‌رسانی‌ها
cmd-subscriptions = تنظیم اطلاع‌رسانی‌ها
cmd-stop = لغو همهٔ اطلاع‌رسانی‌ها
cmd-broadcast = پیام همگانی (کارکنان)

## The settings screen

subscriptions-screen =
    🔔 اطلاع‌رسانی‌های همدل
    خبر هر موضوعی را که می‌خواهید روشن کنید؛ هر دکمه با یک بار زدن روشن یا خاموش می‌شود.
subscriptions-province-line = 📍 استان شما: { $name }
subscriptions-province-none = 📍 هنوز استانی انتخاب نکرده‌اید. برای گرفتن خبرهای استان‌تان، آن را انتخاب کنید.
subscriptions-stopped-note = 🔕 اکنون هیچ پیام اطلاع‌رسانی‌ای برایتان فرستاده نمی‌شود. با روشن کردن هر موضوع دوباره خبرها را می‌گیرید.
subscriptions-topic-new-campaigns = پویش‌های تازه
subscriptions-topic-campaign-updates = خبر پویش‌هایی که به آن‌ها کمک کرده‌ام
subscriptions-topic-province-news = خبرهای استان من
subscriptions-topic-volunteer-calls = فراخوان داوطلبان
subscriptions-on = ✅ { $topic }
subscriptions-off = ⬜️ { $topic }
subscriptions-toggled-on = «{ $topic }» روشن شد.
subscriptions-toggled-off = «{ $topic }» خاموش شد.
subscriptions-province-button = 📍 استان: { $name }
subscriptions-province-choose-button = 📍 انتخاب استان
subscriptions-province-clear-button = بدون استان
subscriptions-province-prompt = استان‌تان را از فهرست زیر انتخاب کنید یا نامش را بنویسید:
subscriptions-province-saved = استان شما «{ $name }» ثبت شد.
subscriptions-province-unknown = استانی با نام «{ $text }» پیدا نکردم. لطفاً از فهرست زیر انتخاب کنید.
subscriptions-province-candidates = منظورتان کدام استان است؟
subscriptions-stop-button = 🔕 لغو همهٔ اطلاع‌رسانی‌ها
subscriptions-resume-button = 🔔 دریافت دوبارهٔ خبرها
subscriptions-stopped =
    🔕 دیگر هیچ پیام اطلاع‌رسانی‌ای از همدل برایتان فرستاده نمی‌شود.
    هر وقت خواستید، با دکمهٔ زیر یا از بخش «🔔 اطلاع‌رسانی‌ها» در منو (یا دستور /subscriptions) برگردید.
subscriptions-already-stopped = همهٔ اطلاع‌رسانی‌ها پیش‌تر برایتان لغو شده است. برای بازگشت، دکمهٔ زیر را بزنید.
subscriptions-resumed = 🔔 خوش برگشتید! از این پس خبر پویش‌هایی را که به آن‌ها کمک کرده‌اید و خبرهای استان‌تان را می‌گیرید. موضوع‌ها را همین‌جا تغییر دهید.
subscriptions-unsubscribe-button = 🔕 لغو اشتراک
subscriptions-unsubscribed-toast = اشتراک شما لغو شد.

## A broadcast's campaign button

subscriptions-campaign-closed = این پویش به پایان رسیده است؛ از همهٔ همراهان سپاسگزاریم.
subscriptions-campaign-missing = این پویش دیگر در دسترس نیست.

## Automatic notices (sent to subscribers and donors)

broadcast-notice-campaign-live =
    📣 پویش تازه: «{ $title }»

    { $description }

    🎯 هدف: { $goal }
    با هر مبلغی می‌توانید همراه باشید.
broadcast-notice-campaign-half =
    🌗 پویش «{ $title }» به نیمهٔ راه رسید!
    تا امروز { $raised } از { $goal } با همراهی { $count } نیکوکار جمع شده است. از کمک شما سپاسگزاریم؛ اگر دوست دارید، این خبر را با دوستان‌تان هم در میان بگذارید.
broadcast-notice-campaign-full =
    🎉 هدف پویش «{ $title }» کامل شد!
    { $raised } با همراهی { $count } نیکوکار جمع شد (هدف: { $goal }). از شما که در این کار خیر سهیم بودید صمیمانه سپاسگزاریم.
broadcast-notice-campaign-closed =
    🙏 پویش «{ $title }» به پایان رسید.
    در مجموع { $raised } با همراهی { $count } نیکوکار جمع شد (هدف: { $goal }). از همراهی‌تان صمیمانه سپاسگزاریم.
broadcast-notice-button-donate = 💝 کمک به «{ $title }»
broadcast-notice-button-campaign = 📣 پویش «{ $title }»

## Composer (staff)

broadcast-home =
    📣 پیام همگانی
    پیامی برای همهٔ کاربران یا گروهی از آن‌ها بنویسید، یا وضعیت پیام‌های اخیر را ببینید.
broadcast-new-button = ✍️ پیام تازه
broadcast-recent-button = 📋 پیام‌های اخیر
broadcast-ask-text-fa =
    ✍️ متن فارسی پیام را بفرستید.
    می‌توانید عکسی با توضیح هم بفرستید؛ توضیح عکس متن فارسی پیام می‌شود. حداکثر { $limit } نویسه، و با عکس { $caption_limit } نویسه.
broadcast-photo-saved-ask-text = عکس رسید. حالا متن فارسی پیام را بفرستید (با عکس حداکثر { $limit } نویسه).
broadcast-ask-text-en = متن انگلیسی را بفرستید (برای کاربرانی که زبان گفت‌وگو را انگلیسی گذاشته‌اند)، یا «بدون متن انگلیسی» را بزنید تا همان متن فارسی برایشان فرستاده شود.
broadcast-skip-en-button = ⏭ بدون متن انگلیسی
broadcast-ask-photo = 🖼 اگر پیام عکس دارد، عکس را بفرستید؛ وگرنه «بدون عکس» را بزنید.
broadcast-skip-photo-button = ⏭ بدون عکس
broadcast-photo-only = لطفاً عکس بفرستید یا «بدون عکس» را بزنید.
broadcast-photo-caption-too-long = متنی که نوشته‌اید برای توضیح عکس بلند است (با عکس حداکثر { $limit } نویسه). پیام را بدون عکس بفرستید، یا از نو با متن کوتاه‌تر شروع کنید.
broadcast-text-only = اینجا فقط متن، یا عکس با توضیح، پذیرفته می‌شود.
broadcast-empty-text = پیام خالی را نمی‌توان فرستاد. لطفاً متن پیام را بنویسید.
broadcast-too-long = این متن { $length } نویسه است و از حد مجاز ({ $limit } نویسه) بلندتر است. لطفاً کوتاه‌ترش کنید.
broadcast-caption-too-long = با عکس، متن حداکثر { $limit } نویسه می‌تواند باشد؛ این متن { $length } نویسه است. کوتاه‌ترش کنید یا بدون عکس بفرستید.
broadcast-ask-button = 🔘 زیر پیام دکمه‌ای باشد؟
broadcast-button-url-choice = 🔗 پیوند به یک نشانی
broadcast-button-campaign-choice = 💝 پیوند به یک پویش
broadcast-button-none-choice = ⏭ بدون دکمه
broadcast-ask-url = نشانی پیوند را بفرستید؛ مثلاً https://behzisti.ir
broadcast-bad-url = این نشانی معتبر نیست. نشانی‌ای مثل https://behzisti.ir بفرستید.
broadcast-choose-campaign = پویش را انتخاب کنید:
broadcast-no-campaigns = اکنون پویش فعالی نیست. گزینهٔ دیگری انتخاب کنید.
broadcast-error-other-province = این گیرندگان بیرون از استان‌های شما هستند؛ فقط به کاربران استان‌های خودتان و حامیان پویش‌های آن‌ها پیام می‌فرستید.
broadcast-error-other-province-broadcast = این پیام همگانی مال استان دیگری است؛ شما فقط پیام‌های استان‌های خودتان را می‌بینید.
broadcast-button-link = 🔗 بیشتر بدانید
broadcast-button-campaign = 💝 کمک به «{ $title }»
broadcast-ask-segment = 👥 پیام برای چه کسانی فرستاده شود؟
broadcast-segment-all-button = 👥 همهٔ کاربران
broadcast-segment-topic-button = 🔔 مشترکان یک موضوع
broadcast-segment-donors-button = 💝 حامیان یک پویش
broadcast-segment-province-button = 📍 یک استان
broadcast-segment-language-button = 🌐 یک زبان
broadcast-choose-topic = مشترکان کدام موضوع؟
broadcast-choose-province = کدام استان؟ (کسانی که این استان را برگزیده‌اند یا برای آن کمک کرده‌اند)
broadcast-choose-language = کاربران کدام زبان؟
broadcast-language-fa = فارسی‌زبان
broadcast-language-en = انگلیسی‌زبان
broadcast-segment-all = همهٔ کاربران
broadcast-segment-topic = مشترکان «{ $name }»
broadcast-segment-donors = حامیان پویش «{ $name }»
broadcast-segment-province = کاربران استان { $name }
broadcast-segment-language = کاربران { $name }
broadcast-segment-launch = مشترکان پویش‌های تازه و استان پویش «{ $name }»
broadcast-no-recipients = در «{ $segment }» هیچ گیرنده‌ای نیست. مخاطبان دیگری انتخاب کنید.
broadcast-preview-header = 👁 پیش‌نمایش برای کاربران { $language }:
broadcast-summary =
    📋 آمادهٔ ارسال
    مخاطبان: { $segment }
    گیرندگان: { $count } نفر
    { $english }
    زمان تقریبی ارسال: { $eta }
    پیش‌نمایش بالا همان چیزی است که گیرندگان می‌بینند.
broadcast-english-yes = متن انگلیسی: دارد
broadcast-english-no = متن انگلیسی: ندارد (کاربران انگلیسی‌زبان متن فارسی را می‌گیرند)
broadcast-send-now-button = 🚀 ارسال اکنون
broadcast-schedule-button = 🗓 ارسال در زمانی دیگر
broadcast-change-segment-button = 👥 تغییر مخاطبان
broadcast-discard-button = 🗑 دور انداختن پیش‌نویس
broadcast-discarded = پیش‌نویس دور انداخته شد.
broadcast-draft-gone = این پیش‌نویس دیگر در دسترس نیست. برای پیام تازه /broadcast را بزنید.
broadcast-already-confirmed = این پیام پیش‌تر فرستاده یا لغو شده است.
broadcast-duplicate = ⚠️ پیامی با همین متن و همین مخاطبان در { $when } ثبت شده است (پیام #{ $id }، وضعیت: { $status }). باز هم بفرستم؟
broadcast-send-anyway-button = بله، باز هم بفرست
broadcast-ask-schedule = 🗓 تاریخ و ساعت ارسال را به تقویم شمسی و وقت تهران بنویسید؛ مثلاً: { $example }
broadcast-schedule-format = تاریخ و ساعت را نفهمیدم. لطفاً به این شکل بنویسید: { $example }
broadcast-schedule-invalid = چنین تاریخی در تقویم نیست. لطفاً دوباره بنویسید؛ مثلاً: { $example }
broadcast-schedule-past = این زمان گذشته است. زمانی در آینده بنویسید؛ مثلاً: { $example }
broadcast-schedule-too-far = زمان‌بندی بیش از شش ماه جلوتر ممکن نیست. زمانی نزدیک‌تر بنویسید؛ مثلاً: { $example }
broadcast-schedule-confirm = پیام در { $when } برای حدود { $count } نفر فرستاده شود؟
broadcast-confirm-button = ✅ تأیید

## Progress and controls

broadcast-scheduled = 🗓 پیام همگانی #{ $id } برای { $when } زمان‌بندی شد. اگر منصرف شدید، «لغو ارسال» را بزنید.
broadcast-progress =
    📣 پیام همگانی #{ $id } — { $status }
    ✅ فرستاده: { $sent }
    ⛔️ ربات را مسدود کرده‌اند: { $blocked }
    ⚠️ ناموفق: { $failed }
    ⏭ کنار گذاشته (لغو اشتراک پس از شروع): { $skipped }
    ⏳ مانده: { $remaining } از { $total }
    { $eta }
broadcast-eta = زمان تقریبی باقی‌مانده: { $duration }
broadcast-eta-paused = ارسال متوقف است؛ با «ادامه» از همان‌جا پی گرفته می‌شود.
broadcast-eta-unknown = زمان باقی‌مانده: در حال برآورد…
broadcast-finished =
    ✅ ارسال پیام همگانی #{ $id } تمام شد.
    فرستاده: { $sent } · مسدودکرده: { $blocked } · ناموفق: { $failed } · کنار گذاشته: { $skipped }
    لغو اشتراک با دکمهٔ زیر این پیام: { $unsubscribed }
broadcast-cancelled-report =
    ✖️ پیام همگانی #{ $id } لغو شد.
    پیش از لغو برای { $sent } نفر فرستاده شد؛ { $cancelled } نفر آن را نمی‌گیرند.
broadcast-controls = کنترل ارسال پیام همگانی #{ $id }:
broadcast-pause-button = ⏸ توقف موقت
broadcast-resume-button = ▶️ ادامه
broadcast-cancel-button = ✖️ لغو ارسال
broadcast-refresh-button = 🔄 به‌روزرسانی
broadcast-cancel-confirm = ارسال برای { $remaining } نفرِ باقی‌مانده لغو شود؟ این کار برگشت‌پذیر نیست.
broadcast-cancel-sure-button = بله، لغو کن
broadcast-pause-toast = ارسال متوقف شد.
broadcast-resume-toast = ارسال ادامه یافت.
broadcast-cancel-toast = ارسال لغو شد.
broadcast-unchanged-toast = همین حالا هم در همین وضعیت است.
broadcast-finished-toast = این پیام دیگر در حال ارسال نیست.
broadcast-unknown = این پیام همگانی پیدا نشد.
broadcast-recent-title = 📋 پیام‌های همگانی اخیر؛ برای دیدن وضعیت هر کدام، آن را بزنید:
broadcast-recent-empty = هنوز پیام همگانی‌ای فرستاده نشده است.
broadcast-recent-line = #{ $id } · { $kind } · { $status }
broadcast-status-draft = پیش‌نویس
broadcast-status-scheduled = زمان‌بندی‌شده
broadcast-status-sending = در حال ارسال
broadcast-status-paused = متوقف
broadcast-status-done = تمام‌شده
broadcast-status-cancelled = لغوشده
broadcast-kind-manual = پیام کارکنان
broadcast-kind-campaign-live = اعلان پویش تازه
broadcast-kind-campaign-half = نیمهٔ راه پویش
broadcast-kind-campaign-full = تکمیل هدف پویش
broadcast-kind-campaign-closed = پایان پویش
broadcast-duration-seconds = کمتر از یک دقیقه
broadcast-duration-minutes = { $minutes } دقیقه
broadcast-duration-hours = { $hours } ساعت و { $minutes } دقیقه

## Staff tools: the /stats section, the subscribers and broadcasts exports, /health
broadcast-stats-title = 📣 پیام‌های همگانی
broadcast-stats-today = امروز: { $broadcasts } پیام همگانی — رسیده { $delivered }، ناموفق { $failed }، مسدودکرده { $blocked }؛ لغو اشتراک { $unsubscribed } نفر
broadcast-stats-week = این هفته: { $broadcasts } پیام همگانی — رسیده { $delivered }، ناموفق { $failed }، مسدودکرده { $blocked }؛ لغو اشتراک { $unsubscribed } نفر
broadcast-stats-month = این ماه: { $broadcasts } پیام همگانی — رسیده { $delivered }، ناموفق { $failed }، مسدودکرده { $blocked }؛ لغو اشتراک { $unsubscribed } نفر
broadcast-stats-unsubscribed-month = لغو اشتراک این ماه: { $stopped } نفر همهٔ خبرها (/stop یا 🔕)، { $topics } نفر یک موضوع
broadcast-stats-topics = مشترکان اکنون — پویش‌های تازه: { $new_campaigns }، پویش‌هایی که به آن‌ها کمک کرده‌اند: { $campaign_updates }، خبرهای استان: { $province_news }، فراخوان داوطلبان: { $volunteer_calls }
broadcast-stats-audience = در دسترس پیام‌های همگانی: { $reachable } نفر — همهٔ خبرها را لغو کرده: { $stopped }، ربات را مسدود کرده: { $blocked }
broadcast-stats-backlog = صف ارسال: { $pending } پیام در انتظار — در حال ارسال یا متوقف: { $active }، زمان‌بندی‌شده: { $scheduled }
broadcast-health-outbox = پیام‌های همگانی در صف ارسال
broadcast-export-subscribers-title = مشترکان خبرها
broadcast-export-subscribers-col-user = شمارهٔ کاربر
broadcast-export-subscribers-col-platform = پیام‌رسان
broadcast-export-subscribers-col-language = زبان
broadcast-export-subscribers-col-province = استان
broadcast-export-subscribers-col-topics = موضوع‌ها
broadcast-export-subscribers-col-state = وضعیت
broadcast-export-subscribers-col-stopped = لغو همهٔ خبرها
broadcast-export-subscribers-col-since = عضو از
broadcast-export-subscribers-col-changed = آخرین تغییر تنظیمات
broadcast-export-broadcasts-title = پیام‌های همگانی
broadcast-export-broadcasts-col-id = شناسه
broadcast-export-broadcasts-col-kind = نوع
broadcast-export-broadcasts-col-author = نقش فرستنده
broadcast-export-broadcasts-col-segment = گیرندگان
broadcast-export-broadcasts-col-status = وضعیت
broadcast-export-broadcasts-col-created = زمان ساخت
broadcast-export-broadcasts-col-scheduled = زمان‌بندی
broadcast-export-broadcasts-col-started = آغاز ارسال
broadcast-export-broadcasts-col-finished = پایان
broadcast-export-broadcasts-col-recipients = شمار گیرندگان
broadcast-export-broadcasts-col-delivered = رسیده
broadcast-export-broadcasts-col-failed = ناموفق
broadcast-export-broadcasts-col-blocked = مسدودکرده
broadcast-export-broadcasts-col-skipped = کنارگذاشته (لغو اشتراک یا مسدود پیش از ارسال)
broadcast-export-broadcasts-col-cancelled = لغوشده
broadcast-export-broadcasts-col-waiting = در انتظار
broadcast-export-broadcasts-col-unsubscribed = لغو اشتراک با دکمهٔ زیر پیام
broadcast-export-platform-telegram = تلگرام
broadcast-export-platform-bale = بله
broadcast-export-language-fa = فارسی
broadcast-export-language-en = انگلیسی
broadcast-export-active = فعال
broadcast-export-blocked = ربات را مسدود کرده
broadcast-export-author-automatic = خودکار
broadcast-export-author-unknown = نامشخص
