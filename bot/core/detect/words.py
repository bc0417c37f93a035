"""The words around a number that say whether it is an error code, as people write them.

Plain data, lower case (except where noted), compared against a word with its punctuation,
underscores and hyphens removed ("error_code" and "ErrorCode" both become "errorcode").
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A number right after one of these is an error code ("error 30007", "ErrorCode=30003").
ERROR_WORDS = words(
    """
    error errors err errs errno erreur erreurs code codes codeerreur errorcode errorcodes errcode
    errorid errid errorno errornumber errnum failurecode failcode reasoncode dlrerror
    statusid smserrorcode twilioerror twilioerrorcode reason reasons raison motif errcd
    """
)
# Keys that end like this are error fields too ("sms_error_code", "TelnyxError").
ERROR_SUFFIXES = ("errorcode", "errcode", "errorid", "error", "errno")

# "<word> code" that is not an error code: "promo code 30007", "zip code 30005".
OTHER_CODES = words(
    """
    promo zip area country short postal post status http response verification discount coupon
    otp access confirmation security invite referral gift activation pin login auth qr bar source
    dial sort swift tracking voucher reference redeem redemption your my one time
    verify login mfa 2fa 5digit 6digit fivedigit sixdigit digit connexion vérification sécurité
    accès acces validation parrainage
    """
)

# A number right after one of these names something else: "ticket 30007", "PR #21408".
OTHER_THINGS = words(
    """
    ticket tickets tix tkt invoice invoices inv order orders po purchaseorder account accounts acct
    acc customer customers cust client clientid pr prs pull pullrequest mr issue issues bug bugs
    case cases room rooms suite ste apt unit opportunity opp deal lead job jobs build builds
    pipeline pid pids process proc port ports nodeport targetport hostport zip zips zipcode zipcodes
    postal postcode postalcode version ver release rev revision sprint story epic task incident inc
    id ids uid userid ref reference sku item batchid line row page ext extension box flight seat
    gate table employee user member tenant store branch shortcode shortcodes sc receipt
    confirmation tracking shipment parcel package serial model part contract quote license
    policy claim transaction txn payment check cheque meeting passcode password pin otp phone tel
    mobile cell fax rma wo workorder zendesk zd jira freshdesk salesforce hubspot github gitlab
    commit sha hash lat lng lon latitude longitude mile miles km route highway hwy exit request req
    usd eur gbp cad aud v balance budget cost costs price spend spent revenue amount fee fees
    timeout ttl delay interval threshold size length count max min
    node nodejs python ruby java php perl golang dotnet ios android chrome firefox safari
    view dashboard monitor alarm batch conversation contact campaign campaignid badge tag image
    container template workspace cohort worker commande commandes facture factures dossier
    colis agence magasin boutique sub dlvrd lot salle bureau étage etage avoir devis office
    offices stores sites locations emp
    """
)

# Words that only qualify the next word ("order no. 30007", "error number 30007").
QUALIFIERS = words("no nr num number numbers id in n nº un une le la les du des de d l")

# Approximate amounts: "roughly 30003 undelivered", "over 40010".
QUANTIFIERS = words(
    """
    roughly approximately approx nearly almost around over under than least most total totaling
    totalling upto
    """
)

# Short-code wording before a number: "text JOIN to 30007", "reply STOP to 40300".
SHORT_CODE_VERBS = words("text txt texting texted reply send sms msg message")

# Counted things after a number: "30007 messages sent", "21211 opt-ins so far".
COUNTED = words(
    """
    text texts message messages msg msgs sms smses mms sends contacts contact users customers
    clients people persons recipients numbers subscribers subs members records rows leads times
    seconds secs sec ms minutes mins min hours hrs days weeks months years bytes kb mb gb chars
    characters segments credits dollars usd eur euros bucks cents calls requests reqs events
    emails opens clicks views visits signups optins optouts replies orders tickets units items
    steps feet ft lines words pages files points pts votes followers downloads installs devices
    accounts invoices attempts campaigns people's subscriptions deliveries undelivered reminders
    notifications alerts blasts broadcasts registrations conversations threads responses total
    overall unread confirmations otps codes parts optin optout outbound inbound numéros numeros
    destinataires envois jours heures secondes mois ans crédits credit fois contacts personnes
    fiches lignes utilisateurs abonnés abonnes clients campagnes unsubscribes unsubs numéro numero
    """
)
# Words that may stand between a number and what it counts: "30007 new signups".
COUNT_ADJECTIVES = words(
    """
    new unread unique active inactive total more extra additional outbound inbound queued pending
    scheduled delivered undelivered failed successful unsent opted test free sent approved
    rejected expired seul seule
    """
)

# After a small number these count things too: "smspartner returned 2 errors".
COUNTED_SMALL = words(
    """
    errors failures fails issues problems more of out x échec échecs erreurs rejetés rejetes
    rejeté expiré expirés expires échoués echoues envoyés envoyes délivrés livrés reçus
    """
)

# After a five-digit number, what it numbers: "the 30005 area", "the 30410 ticket".
THINGS_AFTER = words(
    """
    zip zipcode area neighborhood neighbourhood ticket tickets order invoice pr case room store
    branch account suite apt port pid process build release version sku score rating location
    office site warehouse campus agence listener listeners
    """
)

# Verbs that hand over an error ("SMSPartner says 14", "returned code 4"): enough before a
# small code once its provider is named.
ANSWER_VERBS = words(
    """
    says said say returns returned return returning gives gave give giving answers answered
    throws threw responds responded responding respond replies replied with w got gets getting
    get hit hits seeing see sees saw seen shows showed
    renvoie renvoient renvoyé renvoye retourne retournent retourné retourne répond repond
    répondent repondent affiche affichent donne sort crache cracher reçoit recoit reçu recu
    obtient obtenu remonte indique tombe tombent réponse reponse response
    """
)

# Words before a status token that make it a delivery status ("stat:UNDELIV", "DLR came back").
STATUS_WORDS = words(
    """
    stat status statut state dlr dlrs dr receipt receipts report reports
    """
)

# HTTP reason phrases: "500 Internal Server Error" is HTTP, not SMSPartner 500.
HTTP_PHRASES = (
    "ok",
    "created",
    "accepted",
    "no content",
    "bad request",
    "unauthorized",
    "forbidden",
    "not found",
    "method not allowed",
    "conflict",
    "gone",
    "payload too large",
    "unprocessable",
    "too many requests",
    "internal server error",
    "bad gateway",
    "service unavailable",
    "gateway timeout",
)

# US states: a five-digit number after one is a ZIP code ("Marietta, GA 30008").
STATE_ABBREVIATIONS = words(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
    NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
    """
)
# Abbreviations that are also English words count only after "City," ("Portland, OR 97201").
STATE_WORDS = words("HI ID IN ME OH OK OR")
STATE_NAMES = words(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming
    """
)
# Places whose ZIP codes are also catalog codes (Georgia 300xx-319xx and Twilio's 30002-30410,
# Kentucky 400xx-427xx and Telnyx, Miami-Dade/Broward 330xx and SMSFactory, Maryland 212xx-216xx
# and Twilio's 21xxx, Long Island 117xx and 11751), when people drop the state.
ZIP_PLACES = words(
    """
    atlanta alpharetta marietta roswell duluth norcross kennesaw decatur smyrna lawrenceville
    suwanee cumming buford dunwoody sandy springs tucker lilburn snellville conyers ailey
    louisville lexington frankfort bardstown crestwood shepherdsville elizabethtown
    miami hialeah homestead hallandale doral aventura baltimore annapolis towson easton islip
    """
)
# Street words: a number later on the same line as "3100 Roswell Rd," is part of an address.
STREET_WORDS = words(
    """
    st street rd road ave avenue blvd boulevard dr drive ln lane way pkwy parkway hwy ct court pl
    place cir circle ter terrace
    """
)
# Keys whose value can be an error code at some provider (Vonage's "status": "29"): neither a
# code nor something else by their name alone.
STATUS_KEYS = words("status statuscode state result resultcode dlrstatus statut etat value")
# "<name>_code" keys that are not error codes: "network-code", "country_code".
NOT_ERROR_CODE_KEYS = words(
    "network currency lang language locale region state mcc mnc carrier iso product campaign brand"
    " event short"
)
# Just before a number, these make it a figure: "queue depth hit 40318", "count is at 30034".
COUNT_WORDS = words("count counter depth lag backlog tally volume")
# "mon 21612, tue 22109": a day's figure.
DAY_WORDS = words("mon tue tues wed thu thur thurs fri sat sun lun mer jeu ven sam dim")
# A number right after one of these is a process id or a port: "kill 30011", "ngrok http 30007".
PROCESS_WORDS = words("kill pkill renice strace ulimit")
PORT_WORDS = words(
    "listen listens listening listener listeners bind binds bound ngrok lsof grpc expose publish"
    " redis postgres postgresql mysql nginx kafka rabbitmq memcached"
)
# Between a number and a noun, these say the noun is not what the number counts ("30007 on
# messages").
PREPOSITIONS = words("on for in at with from to since by of per over via sur pour dans")
# "near 30033", "à Alès 30100": a place's ZIP code.
PLACE_WORDS = words("near nearby")
# French street words, which come before the street's name ("4 rue Taisson, 30100 Alès").
RUES = words("rue chemin quai allée allee impasse avenue boulevard bd av route cours place square")
# AP-style state abbreviations, written with a period ("Bardstown, Ky. 40004").
AP_STATES = words(
    """
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont
    neb nebr nev okla ore pa tenn tex vt va wash wis wisc wyo
    """
)
# Words in a message that make its five-digit numbers ZIP codes unless something says error.
ZIP_TALK = words(
    """
    zip zips zipcode zipcodes postal postcode postcodes territory territories postaux cedex
    """
)
# Mobile carriers: "Verizon 30007, T-Mobile 30008" are codes per carrier, not towns and ZIPs.
CARRIERS = words(
    """
    verizon att at&t tmobile t-mobile sprint uscellular cricket metropcs boost vodafone orange
    free sfr bouygues o2 ee three telstra optus jio airtel rogers bell telus movistar claro tim
    """
)
