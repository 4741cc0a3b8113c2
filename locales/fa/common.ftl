## Entry, navigation and everything every feature shares.

start-welcome =
    سلام { $name }، به «همدل» خوش آمدید 🌱
    همدل دستیار سازمان بهزیستی برای نیکوکاران و مددجویان است: کمک‌های کوچک به پویش‌ها و مناطق دلخواه، بررسی شرایط دریافت جهیزیه، پیگیری پرونده، پاسخ به پرسش‌ها و رساندن مشکلات نیکوکاران به کارگروه.
    از منوی زیر یکی را انتخاب کنید.
menu-title = منوی اصلی همدل — چه کاری برایتان انجام دهم؟
help-text =
    راهنمای همدل:
    { $commands }

    در هر مرحله با /cancel از کار جاری بیرون می‌آیید و با /start به منوی اصلی برمی‌گردید.
    پرسش‌تان را هم می‌توانید همین‌جا به زبان خودتان بنویسید.
help-command-line = /{ $command } — { $description }

cmd-start = شروع و منوی اصلی
cmd-help = راهنما
cmd-language = تغییر زبان
cmd-id = شناسهٔ من
cmd-cancel = لغو کار جاری

menu-language = 🌐 زبان / Language

language-choose = زبان گفت‌وگو را انتخاب کنید:
language-changed = زبان گفت‌وگو فارسی شد.
language-name-fa = فارسی
language-name-en = English
profile-your-id = شناسهٔ شما در این ربات: { $user_id } (اگر کارکنان همدل شناسه‌تان را خواستند، همین عدد را بفرستید.)
profile-id =
    🆔 شناسهٔ شما در این ربات: { $user_id }
    اگر کارکنان همدل برای دادن دسترسی شناسه‌تان را خواستند، همین عدد را برایشان بفرستید.

common-cancel-button = ✖️ انصراف
common-home-button = 🏠 منوی اصلی
common-back-button = → بازگشت
common-next-page = بعدی ›
common-previous-page = ‹ قبلی
common-yes = بله
common-no = خیر
# A multi-select option: chosen or not, then its name.
common-toggle = { $mark } { $label }
common-mark-on = ✅
common-mark-off = ⬜️
common-confirm = ✅ تأیید
common-edit = ✏️ ویرایش

cancel-done = کار جاری لغو شد. هر وقت خواستید از منو دوباره شروع کنید.
cancel-nothing = کاری در جریان نبود که لغو شود.

fallback-unknown-command = دستور { $command } را نمی‌شناسم. از منوی زیر انتخاب کنید یا /help را بزنید.
fallback-text = متوجه نشدم چه می‌خواهید. از منوی زیر یکی را انتخاب کنید یا پرسش‌تان را کامل‌تر بنویسید.
fallback-media = این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از منو انتخاب کنید.
fallback-edited = ویرایش پیام‌های قبلی را دنبال نمی‌کنم؛ لطفاً متن تازه را دوباره بفرستید.
fallback-stale-button = این دکمه دیگر معتبر نیست. لطفاً از منوی تازه انتخاب کنید.
# A pay/confirm button pressed again (a double tap, an old message): nothing was repeated.
common-already-done = این کار پیش‌تر انجام شده است.
fallback-too-long = پیام شما خیلی طولانی است (بیش از { $limit } نویسه). لطفاً کوتاه‌تر بنویسید.
group-private-only = برای گفت‌وگو با همدل لطفاً در پیام خصوصی بنویسید: @{ $username }

error-generic = متأسفیم، مشکلی پیش آمد و درخواست شما انجام نشد. چیزی از دست نرفته است؛ لطفاً چند لحظه بعد دوباره تلاش کنید.
error-button = مشکلی پیش آمد؛ لطفاً دوباره تلاش کنید.
access-denied = این کار فقط برای کارکنان مجاز است.
common-county-in-province = { $county }، { $province }

# A command or a main-menu button left a flow past its first step (bot/flows.py).
flow-left = { $flow ->
    [DonateFlow] کمک مالی نیمه‌تمام شما کنار گذاشته شد.
    [Eligibility] پرسش‌نامهٔ نیمه‌تمام جهیزیه کنار گذاشته شد.
    [StatusForm] پیگیری نیمه‌تمام پرونده کنار گذاشته شد.
    [Filing] شکایت نیمه‌تمام شما کنار گذاشته شد و ثبت نشد.
    [FollowUp] پیام پیگیری نیمه‌تمام شما کنار گذاشته شد و فرستاده نشد.
    [FaqForm] پرسش نیمه‌تمام شما از کارشناس کنار گذاشته شد و فرستاده نشد.
    [Form] فرم نیمه‌تمام همکاری داوطلبانه کنار گذاشته شد.
    [ProvinceInput] انتخاب استان نیمه‌تمام کنار گذاشته شد.
    [Composer] نوشتن پیام همگانی نیمه‌کاره ماند؛ پیش‌نویس آن ذخیره است.
    [CampaignForm] ساخت یا ویرایش نیمه‌تمام پویش کنار گذاشته شد.
    [StatusImport] بارگذاری وضعیت پرونده‌ها کنار گذاشته شد.
    [ExportForm] خروجی گرفتن نیمه‌تمام کنار گذاشته شد.
    [RolesForm] تغییر نقش نیمه‌تمام کنار گذاشته شد.
    [AuditForm] جست‌وجوی نیمه‌تمام گزارش کارها کنار گذاشته شد.
    [RatingReason] توضیح نیمه‌تمام دربارهٔ امتیازتان کنار گذاشته شد.
   *[other] کار نیمه‌تمام قبلی کنار گذاشته شد.
}

# A personal number typed in a message was masked before it was kept (services/privacy.py).
privacy-masked = 🔒 { $kinds } را پیش از ذخیره پوشاندیم (جز چهار رقم آخر)؛ لازم نیست چنین شماره‌هایی را در پیام بنویسید.
privacy-kind-national_code = کد ملی
privacy-kind-mobile = شمارهٔ موبایل
privacy-kind-card = شمارهٔ کارت بانکی
privacy-kind-iban = شمارهٔ شبا
privacy-kinds-separator = {"، "}
