## Volunteer network: sign-up, edit, withdraw, and the staff search.

volunteer-menu-button = 🤝 داوطلب شوید
volunteer-cmd = پیوستن به شبکهٔ داوطلبان
volunteer-cmd-search = جست‌وجوی داوطلبان (کارکنان)

volunteer-intro =
    از اینکه می‌خواهید به شبکهٔ داوطلبان بهزیستی بپیوندید سپاسگزاریم 🌱
    ثبت‌نام حدود یک دقیقه طول می‌کشد و هر وقت بخواهید می‌توانید آن را ویرایش یا لغو کنید.
volunteer-step = مرحلهٔ { $number } از { $total }
volunteer-toggle = { $mark } { $label }
volunteer-mark-on = ✅
volunteer-mark-off = ⬜️
volunteer-continue = ادامه ›
volunteer-list-separator = { "، " }
volunteer-none = ثبت نشده

volunteer-areas-prompt = در کدام حوزه‌ها می‌خواهید همکاری کنید؟ یک یا چند حوزه را انتخاب کنید و سپس «ادامه» را بزنید.
volunteer-areas-none = دست‌کم یک حوزه را انتخاب کنید.
volunteer-area-health = سلامت
volunteer-area-empowerment = توانمندسازی
volunteer-area-cultural = فرهنگی
volunteer-area-construction = عمرانی
volunteer-area-extracurricular = فوق‌برنامه

volunteer-profession-prompt = حرفه یا رشتهٔ شما چیست؟ از فهرست انتخاب کنید، یا اگر در فهرست نیست آن را بنویسید (مثلاً «کارشناس تغذیه»).
volunteer-profession-other-button = ✍️ حرفهٔ دیگر (بنویسید)
volunteer-profession-type-it = نام حرفهٔ خود را همین‌جا بنویسید و بفرستید.
volunteer-profession-detail = { $profession } ({ $detail })
volunteer-profession-physician = پزشک
volunteer-profession-nurse = پرستار / ماما
volunteer-profession-psychologist = روان‌شناس / مشاور
volunteer-profession-social_worker = مددکار اجتماعی
volunteer-profession-rehabilitation = توان‌بخشی (فیزیوتراپی، کاردرمانی…)
volunteer-profession-teacher = معلم / مربی
volunteer-profession-engineer = مهندس / معمار
volunteer-profession-technician = استادکار فنی
volunteer-profession-lawyer = حقوق‌دان / وکیل
volunteer-profession-artist = هنرمند / ورزشکار
volunteer-profession-student = دانشجو
volunteer-profession-other = سایر

volunteer-skills-prompt = مهارت‌ها و تجربه‌هایتان را در چند کلمه بنویسید (مثلاً «کمک‌های اولیه، زبان اشاره، رانندگی»)؛ حداکثر { $limit } نویسه. اگر چیزی برای افزودن ندارید «رد شدن» را بزنید.
volunteer-skills-current = مهارت‌های ثبت‌شده: { $skills }
volunteer-skills-skip = ⏭ رد شدن

volunteer-province-prompt = استان محل زندگی یا فعالیت خود را انتخاب کنید، یا نامش را بنویسید. (صفحهٔ { $page } از { $pages })
volunteer-county-prompt = شهرستان خود را در استان { $province } انتخاب کنید، یا نامش را بنویسید. (صفحهٔ { $page } از { $pages })
volunteer-change-province = ↩️ تغییر استان
volunteer-province-not-found = استانی با این نام پیدا نکردم. لطفاً از فهرست انتخاب کنید.
volunteer-county-not-found = شهرستانی با این نام در استان { $province } پیدا نکردم. لطفاً از فهرست انتخاب کنید.
volunteer-did-you-mean = منظورتان کدام است؟
volunteer-show-list = 📋 نمایش فهرست کامل
volunteer-county-outside = این شهرستان در استانی که انتخاب کرده‌اید نیست. لطفاً از فهرست تازه انتخاب کنید.
volunteer-invalid-button = این دکمه معتبر نیست. لطفاً از فهرست تازه انتخاب کنید.
volunteer-going-back = باشه، یک مرحله برمی‌گردیم.
volunteer-old-button = این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ لطفاً از آخرین پیام ادامه دهید.

volunteer-availability-prompt = چه زمان‌هایی می‌توانید همکاری کنید؟ هر چند گزینه که مناسب است انتخاب کنید و سپس «ادامه» را بزنید.
volunteer-availability-none = دست‌کم یک زمان را انتخاب کنید.
volunteer-when-weekdays = روزهای کاری
volunteer-when-evenings = عصرها
volunteer-when-weekends = آخر هفته و تعطیلات
volunteer-when-emergencies = شرایط اضطراری و بحران

volunteer-mobile-prompt = شمارهٔ همراهی را که با آن با شما تماس بگیریم بفرستید: دکمهٔ «ارسال شمارهٔ من» را بزنید یا شماره را بنویسید (مثلاً ۰۹۱۲۱۲۳۴۵۶۷).
volunteer-mobile-current = شمارهٔ فعلی: { $mobile }
volunteer-mobile-share-button = 📱 ارسال شمارهٔ من
volunteer-mobile-keep-button = ↩️ همان شمارهٔ قبلی
volunteer-mobile-cancel-button = ✖️ انصراف از ثبت‌نام
volunteer-mobile-invalid = این شمارهٔ همراه معتبر نیست. شماره‌ای یازده‌رقمی بنویسید که با ۰۹ شروع شود (مثلاً ۰۹۱۲۱۲۳۴۵۶۷)، یا دکمهٔ «ارسال شمارهٔ من» را بزنید.
volunteer-mobile-not-own = فقط شمارهٔ خودتان را می‌پذیریم. دکمهٔ «ارسال شمارهٔ من» را بزنید یا شمارهٔ خود را بنویسید.
volunteer-mobile-not-iranian = این شماره، شمارهٔ همراه ایران نیست. لطفاً یک شمارهٔ همراه ایرانی بنویسید (مثلاً ۰۹۱۲۱۲۳۴۵۶۷).
volunteer-mobile-need = لطفاً شماره را با دکمهٔ «ارسال شمارهٔ من» بفرستید یا آن را بنویسید.
volunteer-mobile-saved = شمارهٔ { $mobile } ثبت شد ✅
volunteer-mobile-kept = شمارهٔ قبلی بدون تغییر ماند.
volunteer-cancelled = کار لغو شد و تغییری ذخیره نشد.

volunteer-consent-text =
    رضایت‌نامه
    با زدن «موافقم» می‌پذیرید که سازمان بهزیستی این اطلاعات را نگه دارد: حوزه‌ها، حرفه و مهارت‌ها، استان و شهرستان، زمان‌های همکاری و شمارهٔ همراه شما. نام یا اطلاعات دیگری از شما ذخیره نمی‌شود.
    • این اطلاعات فقط برای دعوت شما به فعالیت‌های داوطلبانه در حوزه و منطقهٔ خودتان به کار می‌رود: کارکنان مجاز بهزیستی با همین شماره با شما تماس می‌گیرند یا از همین‌جا برایتان پیام می‌فرستند.
    • اطلاعات شما منتشر نمی‌شود و به اشخاص یا سازمان‌های دیگر داده نمی‌شود.
    • هر وقت بخواهید با /volunteer اطلاعاتتان را ویرایش می‌کنید، یا با «لغو عضویت» همهٔ آن را یکجا و برای همیشه پاک می‌کنید.
volunteer-consent-agree = ✅ موافقم

volunteer-summary-title = لطفاً اطلاعات خود را بررسی کنید:
volunteer-profile =
    حوزه‌ها: { $areas }
    حرفه: { $profession }
    مهارت‌ها: { $skills }
    استان / شهرستان: { $region }
    زمان همکاری: { $availability }
    شمارهٔ همراه: { $mobile }
volunteer-summary-hint = اگر درست است «تأیید» را بزنید؛ برای تغییر هر بخش «ویرایش» را بزنید.
volunteer-confirm = ✅ تأیید و ثبت
volunteer-save-changes = ✅ ذخیرهٔ تغییرات
volunteer-edit = ✏️ ویرایش
volunteer-edit-which = کدام بخش را می‌خواهید تغییر دهید؟
volunteer-edit-areas = حوزه‌ها
volunteer-edit-profession = حرفه
volunteer-edit-skills = مهارت‌ها
volunteer-edit-province = استان و شهرستان
volunteer-edit-availability = زمان همکاری
volunteer-edit-mobile = شمارهٔ همراه
volunteer-back-to-summary = ↩️ بازگشت به خلاصه
volunteer-incomplete = اطلاعات کامل نیست؛ لطفاً این بخش را تکمیل کنید.
volunteer-saved =
    ثبت‌نام شما در شبکهٔ داوطلبان بهزیستی انجام شد 🌱 از همدلی‌تان سپاسگزاریم!
    هر وقت برنامه‌ای در حوزه و منطقهٔ شما باشد، همکاران ما با شما تماس می‌گیرند. برای ویرایش یا لغو عضویت هر وقت خواستید /volunteer را بزنید.
volunteer-updated = تغییرات شما ذخیره شد ✅
volunteer-saved-short = ثبت شد ✅

volunteer-registered = شما از { $date } عضو شبکهٔ داوطلبان هستید و نیازی به ثبت‌نام دوباره نیست. اگر اطلاعاتتان تغییر کرده، «ویرایش» را بزنید.
volunteer-withdraw = 🗑 لغو عضویت و حذف اطلاعات
volunteer-withdraw-confirm = با لغو عضویت، همهٔ اطلاعات ثبت‌نام شما (از جمله شمارهٔ همراه) برای همیشه پاک می‌شود. مطمئن هستید؟
volunteer-withdraw-yes = بله، اطلاعاتم پاک شود
volunteer-withdraw-no = خیر، منصرف شدم
volunteer-withdrawn = عضویت شما لغو شد و اطلاعاتتان پاک شد. از همراهی‌تان سپاسگزاریم؛ هر وقت خواستید می‌توانید دوباره بپیوندید.
volunteer-join-again = 🤝 پیوستن دوباره
volunteer-not-registered = شما در شبکهٔ داوطلبان ثبت‌نام نکرده‌اید.

volunteer-use-buttons = لطفاً از دکمه‌های زیر استفاده کنید.
volunteer-need-text = لطفاً پاسخ را به صورت متن بنویسید یا از دکمه‌ها استفاده کنید.
volunteer-too-long = متن شما بیش از { $limit } نویسه است؛ لطفاً کوتاه‌تر بنویسید.

volunteer-search-title =
    🔎 جست‌وجوی داوطلبان
    حوزه: { $area }
    حرفه: { $profession }
    استان: { $province }
    شهرستان: { $county }
    تعداد داوطلبان با این فیلترها: { $count }
volunteer-search-all = همه
volunteer-search-area = حوزه: { $value }
volunteer-search-profession = حرفه: { $value }
volunteer-search-province = استان: { $value }
volunteer-search-county = شهرستان: { $value }
volunteer-search-show = 📋 نمایش فهرست ({ $count })
volunteer-search-clear = 🧹 پاک کردن فیلترها
volunteer-search-change = ✏️ تغییر فیلترها
volunteer-search-choose-area = حوزه را انتخاب کنید:
volunteer-search-choose-profession = حرفه را انتخاب کنید:
volunteer-search-choose-province = استان را انتخاب کنید:
volunteer-search-choose-county = شهرستان را انتخاب کنید:
volunteer-search-page = { $title } (صفحهٔ { $page } از { $pages })
volunteer-search-results = { $count } داوطلب — صفحهٔ { $page } از { $pages }
volunteer-search-empty = داوطلبی با این فیلترها پیدا نشد.
volunteer-search-item =
    { $number }. { $profession } — { $areas }
    📍 { $region } | 🕒 { $availability }
    📱 { $mobile } | ثبت: { $date }
volunteer-search-mobile-shared = { $mobile } (تأییدشده)
volunteer-search-item-skills = 💬 { $skills }

## Staff tools: the volunteers export
volunteer-export-title = داوطلبان
volunteer-export-col-volunteer_id = شناسه
volunteer-export-col-platform = پیام‌رسان
volunteer-export-col-areas = زمینه‌های همکاری
volunteer-export-col-profession = حرفه
volunteer-export-col-profession_text = حرفه (نوشتهٔ خود داوطلب)
volunteer-export-col-skills = مهارت‌ها
volunteer-export-col-province_id = کد استان
volunteer-export-col-province = استان
volunteer-export-col-county_id = کد شهرستان
volunteer-export-col-county = شهرستان
volunteer-export-col-weekdays = روزهای کاری
volunteer-export-col-evenings = عصرها
volunteer-export-col-weekends = آخر هفته
volunteer-export-col-emergencies = شرایط اضطراری
volunteer-export-col-mobile = تلفن همراه
volunteer-export-col-mobile_shared = شماره از مخاطب خود داوطلب
volunteer-export-col-consent_version = نسخهٔ رضایت‌نامه
volunteer-export-col-consented_at = زمان رضایت
volunteer-export-col-created_at = زمان ثبت‌نام
volunteer-export-col-updated_at = آخرین ویرایش
volunteer-export-platform-telegram = تلگرام
volunteer-export-platform-bale = بله
volunteer-export-yes = بله
volunteer-export-no = خیر
