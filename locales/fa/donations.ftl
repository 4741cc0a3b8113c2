## Donations: the donate flow, payments, receipts, history, and the gateway's return page.

donations-menu = 💝 کمک مالی
donations-cmd-donate = کمک مالی به پویش‌ها و مناطق
donations-cmd-mydonations = کمک‌های من و رسیدها

donations-purpose-living = معیشت
donations-purpose-housing = مسکن
donations-purpose-dowry = جهیزیه
donations-purpose-alms = صدقه
donations-purpose-orphans = ایتام
donations-purpose-general = نیازهای عمومی
donations-purpose-button-living = 🍞 معیشت
donations-purpose-button-housing = 🏠 مسکن
donations-purpose-button-dowry = 🎁 جهیزیه
donations-purpose-button-alms = 🤲 صدقه
donations-purpose-button-orphans = 🧒 ایتام
donations-purpose-button-general = 💚 نیازهای عمومی

donations-region-national = هر جای ایران
donations-region-province = استان { $province }
donations-region-county = استان { $province }، شهرستان { $county }
donations-target-campaign = پویش «{ $title }»
donations-target-purpose = { $purpose } — { $region }

donations-start =
    💝 کمک شما به کجا برسد؟
    یکی از پویش‌های جاری را انتخاب کنید، یا هدف و منطقهٔ دلخواهتان را.
donations-start-no-campaigns =
    💝 کمک شما به کجا برسد؟
    الان پویش فعالی نداریم؛ هدف و منطقهٔ دلخواهتان را انتخاب کنید.
donations-campaign-button = 📣 { $title }
donations-choose-purpose-button = 🎯 انتخاب هدف و منطقه
donations-unavailable = پرداخت در حال حاضر ممکن نیست. لطفاً کمی بعد دوباره سر بزنید؛ از همراهی‌تان سپاسگزاریم.
donations-banned = امکان ثبت کمک از این حساب فعلاً وجود ندارد. برای پیگیری با پشتیبانی بهزیستی تماس بگیرید.

donations-purpose-prompt = کمک شما صرف چه کاری شود؟
donations-province-prompt =
    { $purpose } — در کدام استان؟
    از فهرست انتخاب کنید یا نام استان را بنویسید.
donations-province-anywhere = 🇮🇷 هر جای ایران که نیاز بیشتر است
donations-province-did-you-mean = منظورتان کدام استان است؟
donations-region-did-you-mean = منظورتان کدام است؟
donations-province-not-found = استانی با نام «{ $text }» پیدا نکردم. لطفاً از فهرست انتخاب کنید یا نام را دوباره بنویسید.
donations-county-prompt =
    استان { $province } — کدام شهرستان؟
    از فهرست انتخاب کنید یا نام شهرستان را بنویسید.
donations-county-whole = 🏙 همهٔ شهرستان‌های استان { $province }
donations-county-did-you-mean = منظورتان کدام شهرستان است؟
donations-county-not-found = شهرستانی با نام «{ $text }» در استان { $province } پیدا نکردم. لطفاً از فهرست انتخاب کنید یا نام را دوباره بنویسید.

donations-amount-prompt =
    🎯 { $target }
    چه مبلغی کمک می‌کنید؟ یکی از مبالغ زیر را بزنید یا مبلغ دلخواه را به تومان بنویسید (مثلاً ۷۵ هزار).
    کمترین مبلغ { $min } و بیشترین { $max } است.
donations-amount-button = { $amount }
donations-amount-custom = ✍️ مبلغ دلخواه
donations-amount-custom-prompt = مبلغ دلخواه را به تومان بنویسید؛ مثلاً ۷۵۰۰۰ یا ۷۵ هزار یا ۱ میلیون و ۵۰۰ هزار.
donations-amount-unreadable = مبلغ را متوجه نشدم. لطفاً مبلغ را به تومان بنویسید؛ مثلاً ۵۰۰۰۰، ۵۰ هزار یا پنجاه هزار تومان.
donations-amount-zero = مبلغ باید بیشتر از صفر باشد. کمترین مبلغ کمک { $min } است.
donations-amount-too-small = کمترین مبلغ کمک { $min } است. لطفاً مبلغ بیشتری بنویسید.
donations-amount-too-large = بیشترین مبلغ در هر پرداخت { $max } است. برای کمک بیشتر می‌توانید چند بار پرداخت کنید.
donations-amount-slip = منظورتان { $amount } است؟
donations-amount-slip-rials = منظورتان { $rials } ریال، یعنی { $amount } است؟
donations-amount-slip-yes = ✅ بله، { $amount }
donations-amount-slip-no = ✏️ خیر، مبلغ را دوباره می‌نویسم
donations-amount-foreign-currency = کمک‌ها به تومان پرداخت می‌شود. لطفاً مبلغ را به تومان بنویسید؛ مثلاً ۷۵ هزار تومان.
donations-use-buttons = لطفاً یکی از دکمه‌های بالا را بزنید، یا با /cancel از کمک مالی بیرون بیایید.
donations-text-expected = لطفاً مبلغ یا نام را به صورت متن بنویسید، یا یکی از دکمه‌ها را بزنید.

donations-confirm =
    لطفاً بررسی کنید:
    🎯 { $target }
    💰 مبلغ: { $amount }
    اگر درست است، روش پرداخت را انتخاب کنید.
donations-change-amount = ✏️ تغییر مبلغ
donations-pay-bale_wallet = 💳 پرداخت با کیف پول بله
donations-pay-telegram = 💳 پرداخت در تلگرام
donations-pay-telegram_stars = ⭐ پرداخت با { $stars } ستارهٔ تلگرام
donations-pay-zarinpal = 🏦 پرداخت با کارت بانکی (زرین‌پال)

donations-invoice-title = کمک به همدل
donations-invoice-description = { $target } — { $amount }
donations-invoice-label = کمک مالی
donations-invoice-sent = صورتحساب کمک { $amount } در پیام بعد آمده است. دکمهٔ پرداخت آن را بزنید؛ رسید همین‌جا برایتان فرستاده می‌شود.
donations-gateway-sent =
    برای پرداخت { $amount } دکمهٔ زیر را بزنید تا به درگاه امن بانکی بروید.
    پس از پرداخت، رسید همین‌جا برایتان فرستاده می‌شود.
donations-invoice-refused = این مبلغ با این روش پرداخت پذیرفته نشد و چیزی از حساب شما کم نشد. لطفاً دوباره امتحان کنید، یا مبلغ یا روش پرداخت دیگری را انتخاب کنید.
donations-gateway-button = 🏦 ورود به درگاه پرداخت
donations-gateway-down = درگاه بانکی الان پاسخ نمی‌دهد و مبلغی از حساب شما کم نشده است. لطفاً چند دقیقه دیگر دوباره امتحان کنید.
donations-campaign-closed = این پویش دیگر فعال نیست. لطفاً از پویش‌های جاری یا هدف و منطقهٔ دلخواه انتخاب کنید.
donations-stale = این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ از آخرین پیام ادامه دهید (یا /donate را بزنید).
donations-already-paid = این کمک پیش‌تر پرداخت شده است. سپاس از مهربانی شما!

donations-precheckout-unknown = این صورتحساب معتبر نیست؛ لطفاً از /donate دوباره شروع کنید.
donations-precheckout-not_yours = این صورتحساب برای شخص دیگری صادر شده است؛ برای کمک از /donate شروع کنید.
donations-precheckout-already_paid = این صورتحساب پیش‌تر پرداخت شده است و دوباره پرداخت نمی‌شود. برای کمک تازه از /donate شروع کنید.
donations-precheckout-expired = این صورتحساب دیگر معتبر نیست؛ لطفاً از /donate دوباره شروع کنید.
donations-precheckout-mismatch = مبلغ این صورتحساب با سفارش شما یکی نیست؛ لطفاً از /donate دوباره شروع کنید.
donations-precheckout-campaign_closed = این پویش به پایان رسیده است و کمک تازه‌ای برایش پذیرفته نمی‌شود. پویش‌های جاری را در /campaigns ببینید.
donations-precheckout-banned = امکان پرداخت از این حساب فعلاً وجود ندارد.
donations-precheckout-busy = سامانه لحظه‌ای شلوغ است و مبلغی کم نشد؛ لطفاً چند ثانیهٔ دیگر دوباره پرداخت کنید.

donations-receipt =
    🧾 رسید کمک شما
    شمارهٔ رسید: { $number }
    مبلغ: { $amount }
    تاریخ: { $date }
    برای: { $target }

    از مهربانی و همراهی شما سپاسگزاریم 🌱
donations-receipt-history = 📜 کمک‌های من
donations-receipt-campaigns = 📣 پویش‌ها
donations-receipt-copy =
    📄 رونوشت رسید
    { $receipt }
donations-history-receipt-button = 🧾 رسید { $index }
donations-payment-failed =
    پرداخت { $amount } برای { $target } انجام نشد و کمکی ثبت نشد. اگر مبلغی از حساب شما کم شده باشد، بانک حداکثر تا ۷۲ ساعت آن را بازمی‌گرداند.
    می‌خواهید دوباره امتحان کنید؟
donations-retry = 🔁 تلاش دوباره
donations-paid-in-currency = { $amount } { $currency }
donations-held =
    🙏 پرداخت شما ({ $paid }) رسید؛ سپاسگزاریم.
    مبلغ یا واحد پول آن با صورتحساب کمک شما یکی نیست، برای همین کارشناسان همدل آن را بررسی می‌کنند و تا پایان بررسی رسیدی صادر نمی‌شود.
donations-held-staff =
    ⚠️ پرداختی برای بررسی نگه داشته شد
    شمارهٔ کمک: { $id }
    پرداخت‌شده: { $paid }
    صورتحساب: { $ordered }
    شناسهٔ پرداخت: { $reference }
    زمان: { $date }
    این پرداخت در هیچ جمع و آماری شمرده نمی‌شود تا تکلیفش روشن شود.
donations-held-staff-no-order = صورتحسابی پیدا نشد

donations-history-title = 📜 کمک‌های شما: { $count } کمک، روی هم { $total }
donations-history-line =
    { $index }. { $date } — { $amount }
    { $target } · رسید { $receipt }
donations-history-refunded =
    { $index }. { $date } — { $amount } (بازگشت داده شد)
    { $target } · رسید { $receipt }
donations-history-page = صفحهٔ { $page } از { $pages }
donations-history-empty = هنوز کمکی از شما ثبت نشده است. اولین کمک‌تان می‌تواند همین حالا باشد 💝
donations-history-donate = 💝 کمک تازه

donations-page-title = همدل — نتیجهٔ پرداخت
donations-page-success-heading = پرداخت شما موفق بود
donations-page-success = پرداخت شما تأیید شد و رسید آن را در گفت‌وگو با همدل برایتان فرستادیم. از مهربانی شما سپاسگزاریم.
donations-page-failed-heading = پرداخت انجام نشد
donations-page-cancelled = پرداخت لغو شد یا ناموفق بود و کمکی ثبت نشد. اگر مبلغی از حساب شما کم شده باشد، بانک حداکثر تا ۷۲ ساعت آن را بازمی‌گرداند.
donations-page-pending-heading = در انتظار تأیید بانک
donations-page-pending = پرداخت شما هنوز تأیید نشده است. چند دقیقهٔ دیگر این صفحه را دوباره باز کنید؛ نتیجه را در گفت‌وگو با همدل هم خبر می‌دهیم. اگر پرداخت تأیید نشود، بانک مبلغ را حداکثر تا ۷۲ ساعت بازمی‌گرداند.
donations-page-unknown-heading = پرداخت پیدا نشد
donations-page-unknown = این پرداخت را نمی‌شناسیم. اگر از راه همدل پرداخت کرده‌اید، به گفت‌وگو برگردید و /mydonations را بزنید.
donations-page-back = بازگشت به همدل
