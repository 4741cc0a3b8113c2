## Staff tools: /admin, roles, audit log, health, campaign management, statistics, exports.

cmd-admin = ابزارهای کارکنان
cmd-roles = نقش‌های کارکنان
cmd-audit = گزارش کارهای کارکنان
cmd-scope = استان‌های یک نقش
cmd-health = وضعیت سامانه
cmd-campaigns-admin = مدیریت پویش‌ها
cmd-new-campaign = ساخت پویش تازه
cmd-stats = آمار
cmd-export = خروجی گرفتن

admin-menu-title =
    ابزارهای کارکنان همدل
    نقش شما: { $roles }
    یکی را انتخاب کنید:
admin-menu-campaigns = 📣 پویش‌ها
admin-menu-broadcast = 📢 پیام همگانی
admin-menu-statuses = 📥 ورود وضعیت پرونده‌ها
admin-menu-stats = 📊 آمار
admin-menu-export = 📁 خروجی
admin-menu-audit = 🧾 گزارش کارها
admin-menu-roles = 👥 نقش‌ها
admin-menu-health = 🩺 وضعیت سامانه
admin-back-to-menu = ↩️ منوی کارکنان
admin-stale = این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ از دکمه‌های آخرین پیام استفاده کنید (یا /admin را بزنید).

admin-role-admin = مدیر
admin-role-campaign-manager = مدیر پویش
admin-role-operator = کارشناس کارگروه

admin-roles-title =
    👥 نقش‌های کارکنان
    { $lines }
admin-roles-none = هنوز نقشی داده نشده است.
admin-roles-settings-admin = • { $user_id } — مدیر (از تنظیمات سامانه)
admin-roles-line = • { $user_id } — { $role }
admin-roles-add = ➕ دادن نقش
admin-roles-remove-button = ✖️ گرفتن نقش { $role } از { $user_id }
admin-roles-ask-person = شناسهٔ عددی کاربر را بفرستید، یا پیامی از او را برایم هدایت (فوروارد) کنید.
admin-roles-bad-person = این شناسهٔ کاربری معتبر نیست. فقط عدد شناسه را بفرستید، مثلاً ۱۲۳۴۵۶۷۸.
admin-roles-forward-hidden = این کاربر هدایت پیام‌هایش را پنهان کرده است؛ لطفاً شناسهٔ عددی او را بفرستید.
admin-roles-pick = چه نقشی به کاربر { $user_id } داده شود؟
admin-roles-granted = ✅ نقش «{ $role }» به کاربر { $user_id } داده شد.
admin-roles-already = کاربر { $user_id } از پیش نقش «{ $role }» را دارد.
admin-roles-unknown-user =
    کاربر { $user_id } تا حالا از این ربات استفاده نکرده است؛ نقشی داده نشد (شاید شناسه اشتباه نوشته شده است).
    از او بخواهید ربات را باز کند و «شروع» (/start) را بزند، بعد با /id شناسهٔ خودش را ببیند و برایتان بفرستد (یا پیامی از او را برایم هدایت کنید).
admin-roles-confirm-admin = کاربر { $user_id } مدیر شود؟ مدیر به همهٔ ابزارها، از جمله دادن و گرفتن نقش‌ها، دسترسی دارد.
admin-roles-you-got = نقش «{ $role }» در همدل به شما داده شد. برای دیدن ابزارها /admin را بزنید.
admin-roles-remove-ask = نقش «{ $role }» از کاربر { $user_id } گرفته شود؟
admin-roles-remove-confirm = ✅ بله، گرفته شود
admin-roles-revoked = نقش «{ $role }» از کاربر { $user_id } گرفته شد.
admin-roles-not-held = کاربر { $user_id } نقش «{ $role }» را ندارد.
admin-roles-not-self = نمی‌توانید نقش مدیری را از خودتان بگیرید.
admin-roles-from-settings = مدیری کاربر { $user_id } از تنظیمات سامانه (ADMIN_IDS) می‌آید و فقط همان‌جا برداشته می‌شود.
admin-roles-back = ↩️ فهرست نقش‌ها
admin-roles-usage =
    شیوهٔ نوشتن: /{ $command } شناسه نقش
    نقش‌ها: admin (مدیر)، campaign_manager (مدیر پویش)، operator (کارشناس کارگروه)
    برای یک یا چند استان: /grant شناسه نقش تهران، فارس
admin-roles-provinces = { " " }— استان‌ها: { $provinces }
admin-roles-national = { " " }— همهٔ کشور
admin-roles-scoped = ✅ استان‌های نقش «{ $role }» کاربر { $user_id } تغییر کرد
admin-roles-national-only = نقش مدیری برای همهٔ کشور است و به استان محدود نمی‌شود.
admin-roles-unknown-province = نام یا شمارهٔ استان شناخته نشد. نام استان‌ها را با ویرگول جدا کنید، مثلاً: تهران، فارس
admin-roles-scope-usage =
    شیوهٔ نوشتن: /scope شناسه نقش استان‌ها
    مثلاً: /scope ۱۲۳۴۵۶۷۸ operator تهران، البرز — یا «همه» برای همهٔ کشور

audit-title = 🧾 گزارش کارهای کارکنان
audit-title-person = 🧾 گزارش کارهای کاربر { $actor }
audit-page = صفحهٔ { $page } از { $pages } — { $count } مورد
audit-empty = موردی ثبت نشده است.
audit-line = { $mark } { $when } — { $actor }: { $action } ({ $target })
audit-filter-button = 🔎 کارهای یک نفر
audit-all-button = همهٔ کارها
audit-ask-person = شناسهٔ عددی کاربری را که می‌خواهید کارهایش را ببینید بفرستید (یا پیامی از او را هدایت کنید).
audit-bad-person = شناسه باید عدد باشد، مثلاً ۱۲۳۴۵۶۷۸.
audit-action-message = پیام
audit-action-callback = دکمه
audit-action-campaign-create = ساخت پویش
audit-action-campaign-edit = ویرایش پویش
audit-action-campaign-activate = فعال کردن پویش
audit-action-campaign-pause = توقف پویش
audit-action-campaign-close = بستن پویش
audit-action-role-grant = دادن نقش
audit-action-role-revoke = گرفتن نقش
audit-action-role-scope = تغییر استان‌های نقش
audit-action-export = خروجی
# Each export by name (the audit log's «export.NAME»), titled as in /export.
audit-action-export-donations = { audit-action-export } «{ export-donations-title }»
audit-action-export-audit = { audit-action-export } «{ export-audit-title }»
audit-action-export-tickets = { audit-action-export } «{ complaints-export-title }»
audit-action-export-volunteers = { audit-action-export } «{ volunteer-export-title }»
audit-action-export-subscribers = { audit-action-export } «{ broadcast-export-subscribers-title }»
audit-action-export-broadcasts = { audit-action-export } «{ broadcast-export-broadcasts-title }»
audit-action-cli = خط فرمان
audit-none = —
audit-actor-user = کاربر { $id }
audit-actor-cli = خط فرمان
audit-target-user = کاربر { $id }
audit-target-campaign = پویش { $id }
audit-target-broadcast = پیام همگانی { $id }
audit-target-faq-query = پرسش { $id }
audit-target-ticket = درخواست { $id }
audit-action-broadcast-send = ارسال پیام همگانی
audit-action-broadcast-schedule = زمان‌بندی پیام همگانی
audit-action-broadcast-pause = توقف پیام همگانی
audit-action-broadcast-resume = ادامهٔ پیام همگانی
audit-action-broadcast-cancel = لغو پیام همگانی
audit-action-broadcast-segment = انتخاب گیرندگان پیام همگانی
audit-action-broadcast-show = دیدن پیام همگانی
audit-action-faq-answer = پاسخ به پرسش کاربر
audit-action-status-import = ورود وضعیت پرونده‌ها از فایل
audit-action-ticket-take = برداشتن درخواست
audit-action-ticket-reply-mode = آغاز پاسخ به درخواست
audit-action-ticket-reply = پاسخ به درخواست
audit-action-ticket-answer = پاسخ به درخواست
audit-action-ticket-status = تغییر وضعیت درخواست
audit-action-ticket-st = تغییر وضعیت درخواست
audit-action-ticket-reopen = بازگشایی درخواست
audit-action-ticket-card = دیدن درخواست
audit-action-ticket-list = فهرست درخواست‌ها
audit-action-volunteers-search = جست‌وجوی داوطلبان
audit-action-ticket-assign = واگذاری درخواست
audit-action-ticket-close = بستن درخواست
audit-action-ticket-note = یادداشت داخلی درخواست
audit-action-person-block = مسدود کردن فرد
audit-action-person-unblock = رفع مسدودی فرد
audit-action-console-link = پیوند ورود به کنسول
audit-action-console-signin = ورود به کنسول
audit-action-console-signout = خروج از کنسول
audit-action-console-signout-all = خروج از کنسول در همهٔ دستگاه‌ها
audit-action-console = کنسول وب
audit-action-broadcast = پیام همگانی
audit-action-campaign = پویش
audit-field-roles = نقش‌ها
audit-field-provinces = استان‌ها
audit-field-role = نقش
audit-field-scheduled-at = زمان ارسال
audit-field-segment = مخاطبان
audit-field-recipients = شمار گیرندگان
audit-field-rows = شمار ردیف‌ها
audit-field-format = قالب فایل
audit-field-start = از
audit-field-end = تا
audit-field-campaign-id = پویش
audit-field-title-fa = عنوان فارسی
audit-field-title-en = عنوان انگلیسی
audit-field-description-fa = توضیح فارسی
audit-field-description-en = توضیح انگلیسی
audit-field-purpose = موضوع
audit-field-scope = گستره
audit-field-province-id = استان
audit-field-county-id = شهرستان
audit-field-goal-rials = مبلغ هدف
audit-field-starts-at = شروع
audit-field-ends-at = پایان
audit-field-status = وضعیت
audit-field-image-file-id = تصویر
audit-field-assignee-id = کارشناس مسئول
audit-field-good = ردیف‌های درست
audit-field-bad = ردیف‌های نادرست
audit-field-imported = وارد شد
audit-field-created = پروندهٔ تازه
audit-field-updated = پروندهٔ به‌روزشده
audit-field-area = زمینه
audit-field-profession = تخصص
audit-field-province = استان
audit-field-county = شهرستان
audit-field-page = صفحه
audit-field-shown = شمار نشان‌داده‌شده
audit-note-text = متن
audit-note-photo = عکس
audit-note-document = فایل
audit-note-video = ویدیو
audit-note-audio = صدا
audit-note-voice = پیام صوتی
audit-note-animation = تصویر متحرک

health-report =
    🩺 وضعیت همدل
    نسخه: { $version } (پایتون { $python })
    پیام‌رسان: { $platform } — { $mode }
    پایگاه داده: { $database }
    صف‌ها:
    { $backlog }
    آخرین خطا: { $error }
health-platform-telegram = تلگرام
health-platform-bale = بله
health-mode-polling = دریافت پیوسته (polling)
health-mode-webhook = وب‌هوک
health-db-ok = ✅ در دسترس ({ $dialect }، { $ms } میلی‌ثانیه)
health-db-failed = ❌ در دسترس نیست ({ $dialect }: { $error })
health-backlog-line = • { $name }: { $count }
health-backlog-failed = • { $name }: ❌ خوانده نشد
health-backlog-none = • صفی ثبت نشده است
health-no-error = خطایی از زمان راه‌اندازی ثبت نشده ✅
health-last-error = { $when } — { $source }: { $message }

## Campaign management

campadm-list-title = 📣 پویش‌ها — برای دیدن و تغییر، یکی را انتخاب کنید:
campadm-list-empty = هنوز پویشی ساخته نشده است.
campadm-list-item = { $status } · { $title }
campadm-new = ➕ پویش تازه
campadm-step = مرحلهٔ { $number } از { $total }
campadm-ask-title-fa = عنوان فارسی پویش را بنویسید (مثلاً «یلدای مهربانی»).
campadm-ask-title-en = عنوان انگلیسی پویش را بنویسید (مثلاً «Yalda of Kindness»).
campadm-ask-description-fa = توضیح فارسی پویش را بنویسید: برای چه کسانی و چه کاری پول جمع می‌کنید؟
campadm-ask-description-en = توضیح انگلیسی پویش را بنویسید.
campadm-ask-purpose = موضوع پویش را انتخاب کنید:
campadm-ask-region = پویش برای کجاست؟ سراسری یا یک استان را انتخاب کنید:
campadm-ask-county = استان { $province }: کل استان یا یک شهرستان را انتخاب کنید:
campadm-region-which = کدام یک؟ یکی از دکمه‌ها را بزنید:
campadm-ask-goal = مبلغ هدف را به تومان بنویسید (مثلاً «۵۰۰ میلیون» یا «۵۰۰٬۰۰۰٬۰۰۰»).
campadm-ask-starts = تاریخ شروع را به تاریخ خورشیدی بنویسید (مثلاً ۱۴۰۵/۰۹/۱۵) یا «امروز» را بزنید.
campadm-ask-ends = تاریخ پایان را به تاریخ خورشیدی بنویسید (مثلاً ۱۴۰۵/۱۰/۳۰). پویش تا پایان همان روز باز می‌ماند.
campadm-ask-image = اگر تصویری برای پویش دارید، آن را به صورت عکس بفرستید؛ وگرنه «بدون تصویر» را بزنید.
campadm-today = امروز
campadm-skip-image = بدون تصویر
campadm-whole-province = کل استان
campadm-region-national = 🇮🇷 سراسری
campadm-preview-title = پیش‌نمایش پویش — اگر درست است ذخیره کنید:
campadm-preview-donors = 👀 نیکوکاران پویش را این‌طور می‌بینند:
campadm-card =
    عنوان: { $title_fa }
    عنوان انگلیسی: { $title_en }
    موضوع: { $purpose }
    منطقه: { $region }
    هدف: { $goal }
    از { $starts } تا { $ends }
    تصویر: { $image }

    توضیح:
    { $description_fa }

    توضیح انگلیسی:
    { $description_en }
campadm-campaign-header =
    📣 پویش شمارهٔ { $id } — { $status }
    جمع‌شده: { $raised } ({ $percent }٪ هدف) از { $count } کمک
campadm-image-yes = دارد
campadm-image-no = ندارد
campadm-save = ✅ ذخیره (پیش‌نویس)
campadm-fix = ✏️ اصلاح یک بخش
campadm-fix-which = کدام بخش را اصلاح کنیم؟
campadm-edit-which = کدام بخش پویش «{ $title }» را ویرایش کنیم؟
campadm-saved = ✅ پویش به صورت پیش‌نویس ذخیره شد. برای باز شدن کمک‌ها «فعال کردن» را بزنید.
campadm-edited = ✅ تغییر ذخیره شد.
campadm-unchanged = چیزی تغییر نکرد؛ مقدار تازه با مقدار قبلی یکی بود.
campadm-activate = ▶️ فعال کردن
campadm-pause = ⏸ توقف موقت
campadm-edit = ✏️ ویرایش
campadm-close = ⏹ بستن پویش
campadm-back-to-list = ↩️ فهرست پویش‌ها
campadm-close-ask = پویش «{ $title }» بسته شود؟ پس از بستن، کمک تازه‌ای برای آن پذیرفته نمی‌شود و دوباره باز نمی‌شود.
campadm-close-confirm = ⏹ بله، بسته شود
campadm-close-keep = ↩️ خیر، باز بماند
campadm-done-activate = ▶️ پویش فعال شد و کمک‌ها پذیرفته می‌شوند.
campadm-done-pause = ⏸ پویش موقتاً متوقف شد؛ تا فعال شدن دوباره کمکی پذیرفته نمی‌شود.
campadm-done-close = ⏹ پویش بسته شد؛ کمک تازه‌ای برای آن پذیرفته نمی‌شود.
campadm-remove-image = 🗑 حذف تصویر فعلی
campadm-remove-image-hint = یا اگر تصویر فعلی را نمی‌خواهید:
campadm-field-title-fa = عنوان فارسی
campadm-field-title-en = عنوان انگلیسی
campadm-field-description-fa = توضیح فارسی
campadm-field-description-en = توضیح انگلیسی
campadm-field-purpose = موضوع
campadm-field-region = منطقه
campadm-field-goal = مبلغ هدف
campadm-field-starts = تاریخ شروع
campadm-field-ends = تاریخ پایان
campadm-field-image = تصویر
campadm-purpose-living = معیشت
campadm-purpose-housing = مسکن
campadm-purpose-dowry = جهیزیه
campadm-purpose-alms = صدقه
campadm-purpose-orphans = ایتام
campadm-purpose-general = نیازهای عمومی
campadm-status-draft = 📝 پیش‌نویس
campadm-status-active = 🟢 فعال
campadm-status-paused = ⏸ متوقف
campadm-status-closed = ⏹ بسته
campadm-error-title-short = عنوان خیلی کوتاه است؛ دست‌کم { $limit } نویسه بنویسید.
campadm-error-title-long = عنوان خیلی بلند است؛ حداکثر { $limit } نویسه.
campadm-error-description-short = توضیح خیلی کوتاه است؛ دست‌کم { $limit } نویسه بنویسید.
campadm-error-description-long = توضیح خیلی بلند است؛ حداکثر { $limit } نویسه.
campadm-error-goal-zero = مبلغ هدف باید بیشتر از صفر باشد.
campadm-error-goal-invalid = مبلغ را نفهمیدم. فقط عدد به تومان بنویسید، مثلاً «۵۰۰ میلیون» یا «۲۰۰۰۰۰۰».
campadm-error-goal-large = این مبلغ بیش از اندازه بزرگ است؛ لطفاً دوباره بررسی کنید.
campadm-error-date-format = تاریخ را نفهمیدم. به شکل سال/ماه/روز خورشیدی بنویسید، مثلاً ۱۴۰۵/۰۹/۱۵.
campadm-error-date-year = تاریخ را به تقویم خورشیدی (شمسی) و با سال چهاررقمی بنویسید، مثلاً ۱۴۰۵/۰۹/۱۵؛ تاریخ میلادی پذیرفته نمی‌شود.
campadm-error-date-invalid = چنین تاریخی در تقویم خورشیدی وجود ندارد؛ روز و ماه را بررسی کنید.
campadm-error-end-before-start = تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد.
campadm-error-end-past = تاریخ پایان گذشته است؛ تاریخی از امروز به بعد بنویسید.
campadm-error-purpose = این موضوع شناخته نیست؛ از دکمه‌ها انتخاب کنید.
campadm-error-region = این منطقه را نشناختم؛ نام استان یا شهرستان را بنویسید یا از دکمه‌ها انتخاب کنید.
campadm-error-incomplete = پیش‌نویس کامل نیست؛ بخش‌های خالی را پر کنید.
campadm-error-closed = این پویش بسته شده و دیگر تغییر نمی‌کند.
campadm-error-field = این بخش قابل ویرایش نیست.
campadm-error-action = این کار در وضعیت فعلی پویش ممکن نیست.
campadm-error-not-found = این پویش پیدا نشد.
campadm-error-other-province = این پویش مال استان دیگری است؛ شما فقط پویش‌های استان‌های خودتان را می‌بینید و می‌سازید.
campadm-error-already-active = این پویش همین حالا فعال است.
campadm-error-already-paused = این پویش همین حالا متوقف است.
campadm-error-already-closed = این پویش پیش‌تر بسته شده است.
campadm-error-activate-ended = تاریخ پایان این پویش گذشته است؛ اول تاریخ پایان را ویرایش کنید.
campadm-error-need-text = لطفاً پاسخ را به صورت متن بنویسید.
campadm-error-need-photo = لطفاً تصویر را به صورت عکس بفرستید یا «بدون تصویر» را بزنید.
campadm-error-use-buttons = لطفاً یکی از دکمه‌های بالا را انتخاب کنید.
campadm-error-use-preview = لطفاً با دکمه‌های پیش‌نمایش ذخیره یا اصلاح کنید، یا /cancel را بزنید.

## Statistics

stats-title = 📊 آمار همدل — { $when }
stats-no-donations = هنوز کمکی پرداخت نشده است.
stats-today = امروز: { $amount } از { $count } کمک
stats-week = این هفته: { $amount } از { $count } کمک
stats-month = این ماه ({ $month }): { $amount } از { $count } کمک
stats-all-time = از آغاز: { $amount } از { $count } کمک
stats-donors =
    نیکوکاران: { $donors } نفر
    میانگین هر کمک: { $average } — میانه: { $median }
stats-by-campaign = به تفکیک پویش:
stats-by-purpose = به تفکیک موضوع:
stats-by-province = به تفکیک استان:
stats-group-line = • { $name }: { $amount } ({ $count } کمک)
stats-goal-part = ، { $percent }٪ هدف
stats-more = و { $count } مورد دیگر
stats-unspecified = نامشخص
stats-national = سراسری
stats-section-empty = داده‌ای نیست.
stats-provinces-only = 📍 فقط استان‌های شما: { $provinces }
stats-chart-daily = 📈 نمودار ۳۰ روز گذشته
stats-chart-province = 🗺 نمودار استان‌ها
stats-chart-campaign = 📣 نمودار پویش‌ها
stats-chart-axis = تومان
stats-chart-daily-title = کمک‌های { $count } روز گذشته
stats-chart-daily-span = از { $start } تا { $end } — مجموع { $amount }
stats-chart-province-title = کمک‌ها به تفکیک استان
stats-chart-campaign-title = کمک‌ها به تفکیک پویش
stats-chart-until = تا { $when }
stats-chart-no-data = برای این نمودار هنوز داده‌ای نیست؛ کمکی در این بازه پرداخت نشده است.

## Exports

export-choose = 📁 از کدام داده خروجی می‌خواهید؟
export-none-allowed = با نقش شما خروجی‌ای در دسترس نیست.
export-choose-period = { $title } — چه بازه‌ای؟
export-period-month = این ماه
export-period-30d = ۳۰ روز گذشته
export-period-year = امسال
export-period-all = همه
export-period-custom = 📅 بازهٔ دلخواه
export-ask-range = بازه را به تاریخ خورشیدی بنویسید، مثلاً: ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۹/۳۰
export-choose-campaign =
    بازه: { $range }
    همهٔ پویش‌ها یا یک پویش؟
export-all-campaigns = همهٔ پویش‌ها
export-choose-format =
    بازه: { $range }
    قالب فایل را انتخاب کنید:
export-choose-format-short = قالب فایل را انتخاب کنید:
export-format-csv = CSV (اکسل و هر برنامهٔ جدول)
export-format-xlsx = XLSX (اکسل)
export-range-all = همهٔ زمان‌ها
export-range = از { $start } تا { $end }
export-no-rows = برای «{ $title }» در بازهٔ { $range } ردیفی پیدا نشد. بازه یا پویش دیگری را امتحان کنید.
export-done = 📁 { $title } — { $count } ردیف — { $range }
export-truncated = ⚠️ فقط { $limit } ردیف نخست آمده است؛ بازه را کوتاه‌تر کنید.
export-again = 📁 خروجی دیگر
export-stale = این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ از آخرین پیام ادامه دهید (یا /export را بزنید).
export-error-other-province = این پویش مال استان دیگری است؛ فقط از پویش‌های استان‌های خودتان خروجی می‌گیرید.
export-error-period = این بازه شناخته نیست.
export-error-range-format = بازه را نفهمیدم. دو تاریخ خورشیدی بنویسید، مثلاً: ۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۹/۳۰
export-error-range-date = یکی از تاریخ‌ها در تقویم خورشیدی وجود ندارد؛ روز و ماه را بررسی کنید.
export-error-range-order = تاریخ پایان بازه پیش از تاریخ شروع است.
export-donations-title = کمک‌های مالی
export-audit-title = گزارش کارهای کارکنان
export-col-id = شناسه
export-col-receipt = شمارهٔ رسید
export-col-paid-at = زمان پرداخت
export-col-amount-toman = مبلغ (تومان)
export-col-amount-rials = مبلغ (ریال)
export-col-campaign-id = شناسهٔ پویش
export-col-campaign = پویش
export-col-purpose = موضوع
export-col-province = استان
export-col-county = شهرستان
export-col-donor = شمارهٔ نیکوکار
export-col-provider = درگاه
export-col-provider-ref = شمارهٔ پیگیری درگاه
export-col-status = وضعیت
export-col-at = زمان
export-col-actor = کاربر
export-col-action = کار
export-col-target = روی
export-col-allowed = مجاز
export-col-before = پیش از تغییر
export-col-after = پس از تغییر
export-col-note = یادداشت
export-purpose-living = معیشت
export-purpose-housing = مسکن
export-purpose-dowry = جهیزیه
export-purpose-alms = صدقه
export-purpose-orphans = ایتام
export-purpose-general = نیازهای عمومی
export-status-pending = در انتظار پرداخت
export-status-paid = پرداخت‌شده
export-status-failed = ناموفق
export-status-refunded = بازگشت‌داده‌شده
export-yes = بله
export-no = خیر

## Command line (python -m bot admin …)

cli-role-line = { $user_id }	{ $role }
cli-force-hint = اگر مطمئنید (مثلاً برای نخستین مدیر، پیش از راه افتادن ربات)، همین فرمان را با --force بزنید.
cli-confirm-with-yes = برای تأیید، همین فرمان را با --yes بزنید.
cli-yes-no = (بله/خیر)
cli-not-confirmed = نقشی داده نشد.
cli-export-unknown = خروجی «{ $name }» شناخته نیست. خروجی‌های موجود: { $names }
cli-export-written = { $count } ردیف ({ $range }) در { $path } نوشته شد.
