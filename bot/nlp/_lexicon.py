"""Word lists the quote and summary code shares, per language.

Kept in one place so that adding a speech verb or a role word is a one-line change that every
stage (attribution, role extraction, pronoun resolution) picks up.
"""

from __future__ import annotations

# --- English -----------------------------------------------------------------------------------

EN_SPEECH_VERBS = frozenset(
    """
    said says say told tells added adds noted notes stressed stresses emphasized emphasised
    emphasizes emphasises warned warns insisted insists explained explains asked asks answered
    replied replies wrote writes argued argues claimed claims declared declares stated states
    continued continues recalled recalls announced announces acknowledged acknowledges admitted
    admits concluded concludes suggested suggests confirmed confirms commented comments remarked
    observed tweeted posted urged urges cautioned predicted predicts agreed agrees recounted joked
    laughed conceded concedes complained complains vowed vows promised promises countered counters
    responded responds reiterated reiterates maintained maintains contended testified insist
    underlined underscored highlighted pledged told explained mused shouted cried whispered
    scolded scolds quips jokes exclaimed boasted quipped wondered recalls describes described adding saying telling noting
    writing asking warning explaining echoed echoes chimed admits recalled posted
    retorted retorts interjected interjects snapped objected protested
    """.split()
)

EN_PRONOUNS = {"he": "m", "she": "f", "they": None, "we": None, "i": None, "it": None}

# Titles and ranks: how someone is addressed, not what they do ("Professor Jane Doe").
EN_TITLES = frozenset(
    """
    mr mr. mrs mrs. ms ms. dr dr. prof prof. professor sir dame lord lady councillor councilor cllr
    cllr. coun coun. captain capt capt. gen gen. general col col. colonel lt lt. lieutenant sgt sgt.
    sergeant maj maj. major revd rev rev. reverend sen sen. rep rep. gov gov. state hon hon. cr cr.
    shri sri smt smt. shrimati kumari alhaji alhaja hajiya barrister engr engr. pastor
    """.split()
)
# Words that name a position; used to split "U.S. Secretary of State Antony Blinken" into role
# and name, and to resolve "the secretary" to the person whose role it is.
EN_ROLE_WORDS = frozenset(
    """
    president vice prime minister prosecutor secretary chancellor spokesperson spokesman spokeswoman director
    chief commissioner ambassador governor senator mayor chair chairman chairwoman chairperson
    general gen gen. dr dr. prof prof. professor deputy head leader representative rep rep. sen
    sen. gov gov. colonel col col. lt lt. officer adviser advisor ceo cfo coo executive premier mp
    mpp mla councillor councilor speaker justice judge inspector superintendent sgt sgt.
    sergeant constable analyst economist envoy diplomat commander admiral captain capt capt.
    major lieutenant marshal attorney lawyer counsel negotiator coordinator manager administrator
    founder president-elect king queen prince princess pope bishop rabbi imam priest chief-of-staff
    harbormaster harbourmaster
    secretary-general undersecretary under-secretary assistant associate senior junior acting
    interim former ombudsman auditor registrar treasurer comptroller lawmaker legislator
    spokesperson. mr mr. mrs mrs. ms ms. sir dame lord lady candidate nominee member critic
    revd rev rev. reverend cllr cllr. coun coun. supt supt. insp insp. det det. alderman alderwoman
    td msp mep senedd master skipper pilot vicar coxswain mechanic warden curator principal
    headteacher headmaster consultant engineer librarian
    researcher scientist official officials surgeon physician nurse doctor economist strategist
    fellow editor reporter correspondent organiser organizer activist campaigner owner operator
    republican democrat liberal conservative tory ndp independent coach goalie defenceman
    defenseman forward captain player rookie veteran star chef pastor author novelist writer
    columnist architect historian teacher artist designer supervisor trustee sheriff magistrate
    assemblymember assemblyman assemblywoman selectman selectwoman councilmember councilman
    councilwoman presenter host anchor moderator mca elder cr cr.""".split()
)

# Sentence-initial words that glue onto a following name ("Other Syrian", "Unlike Al Mnajer").
EN_LEADING_NOISE = frozenset(
    """
    other unlike like among including despite although though while because since unless whether
    both either neither every each only even just more less many much several few former late young
    old dear asked speaking according following after before during when where as if once
    """.split()
)

# Last words of capitalised names that are things or places, not people ("Starlight Tours").
EN_THING_WORDS = frozenset(
    """
    lake river mount mountain street st road avenue ave park bay island islands tours tour cup league
    games award awards prize bridge airport station hall square county city province valley falls
    beach church cathedral school hospital centre center mall tower building arena stadium festival
    program programme report act bill local day week month year night morning christmas plan project
    coast range creek harbour harbor port highway trail lane drive boulevard plaza gardens garden zoo
    museum gallery theatre theater library market news times post herald journal sun star globe mail
    press radio tv television magazine show series film movie book album song team fc cafe restaurant
    hotel inn store shop sharks oilers kings flames leafs canucks jets senators canadiens bruins rangers
    raptors blue jays hurricanes model
    """.split()
)

# Capitalised words that belong to a role or department, never to a person's name.
EN_ROLE_CONTEXT = frozenset(
    """
    of the for and state foreign defence defense interior finance health justice energy economy
    economic trade environment education agriculture infrastructure transport security
    intelligence national public social labour labor digital veterans affairs relations services
    development policy resources safety immigration citizenship refugees emergency emergencies
    preparedness crown-indigenous indigenous international global regional federal provincial
    municipal city county district european eu u.s. us u.k. uk un nato white house at-large
    homeland treasury commerce culture sport sports science technology innovation industry
    housing children families family women youth seniors fisheries oceans natural northern
    rural urban communications information media press operations strategy planning research
    executive general attorney solicitor armed forces staff joint military naval navy army air
    force police fire climate change mental addictions human rights opposition
    """.split()
)

EN_ORG_WORDS = frozenset(
    """
    ministry department office council agency committee commission police service services
    international charity relief partners systems industries holdings technologies solutions
    logistics
    government union bank fund organization organisation association party company corporation
    inc inc. corp corp. ltd ltd. group university court embassy institute authority board
    foundation federation assembly parliament senate congress kremlin pentagon army forces command
    bureau secretariat cabinet coalition alliance network centre center hospital administration
    rcmp nato un eu imf who opec unicef unhcr iaea osce fbi cia nsa reuters ap afp
    society league chamber tribunal prosecutor's prosecutors directorate inspectorate regulator
    friends
    commission. mission delegation consulate unit team club house commons legislature forum initiative project trust campaign
    watch institute lab laboratory clinic school college academy gmbh ag plc llc llp
    farmers growers producers manufacturers exporters workers steelworkers nurses teachers
    cooperative co-operative co-op coop radio tv television broadcasting newspaper
    hospitals councils schools colleges universities trusts authorities agencies ministries
    departments committees associations
    """.split()
)

# Role/organisation nouns that a later "the <noun> said" may refer back to.
EN_ROLE_NOUNS = frozenset(
    """
    president minister secretary chancellor spokesperson spokesman spokeswoman director chief
    commissioner ambassador governor senator mayor chair chairman chairwoman general professor
    premier official envoy commander admiral leader head judge analyst economist lawyer
    prosecutor superintendent inspector officer adviser advisor negotiator diplomat founder ceo
    executive researcher doctor nurse coordinator manager coach goalie defenceman defenseman player
    rookie captain veteran republican democrat liberal conservative father mother woman man teen
    spokesperson""".split()
)

# Nouns for someone the text describes without naming ("A local teacher cycles to work"),
# with the gender the noun itself tells ("" when it tells none).
EN_PERSON_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        """
        resident teacher farmer worker neighbour neighbor local pensioner retiree driver student
        parent shopkeeper owner nurse villager volunteer passenger customer shopper commuter
        member employee engineer fan voter patient doctor official officer spokesperson
        player veteran survivor witness tenant landlord homeowner grower fisher miner builder
        """.split(),
        "",
    ),
    **dict.fromkeys(
        "woman mother grandmother widow girl spokeswoman chairwoman daughter wife sister".split(), "f"
    ),
    **dict.fromkeys(
        "man father grandfather widower boy fisherman spokesman chairman son husband brother".split(), "m"
    ),
}

# Kinship nouns: "Молодша сестра відповідає", "Мать отвечает" mean someone of the family the
# story is about, usually named already, not someone new.
CYR_KIN_LEMMAS = frozenset(
    """
    сестра брат мать мама отец папа дочь дочка сын жена муж бабушка дедушка внук внучка
    мати батько тато донька дочка син дружина бабуся дідусь онук онука
    """.split()
)

EN_ORG_NOUNS = frozenset(
    """
    ministry department office council agency committee commission police government union bank
    fund organization organisation association party company corporation group university court
    embassy institute authority board foundation federation parliament senate army military
    kremlin pentagon administration secretariat cabinet coalition alliance centre center hospital
    statement regulator service mission delegation
    """.split()
)

EN_NOT_NAME = frozenset(
    """
    continued below advertisement the a an this that these those he she it they we i you his her its their our but and or so
    my your yet in on at for after before when while as if however meanwhile also still then now today
    yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december mr mrs ms dr there here
    what who why how where which some many most all both each no not one two three last
    next new first second third earlier later according despite during since until under over
    with without by from to of about into than canada canadian canadians ukraine ukrainian
    russia russian american americans british europe european china chinese ottawa kyiv moscow
    washington london paris berlin toronto montreal vancouver calgary edmonton winnipeg
    saskatoon regina halifax ontario quebec alberta manitoba saskatchewan nova scotia brunswick
    columbia british island prince edward north south east west northern southern eastern
    western central united states kingdom nations covid-19 covid coronavirus christmas easter
    is are was were do does did has have had can could would should might must finally story besides
    meanwhile read watch related more update editor note photo video listen another every
    other such crews residents officials critics supporters opponents members staff
    afterwards afterward instead eventually soon again
    hospitals councils schools colleges universities trusts authorities agencies ministries
    departments committees associations
    god internet twitter facebook instagram youtube tiktok cbc ctv cnn bbc global news
    """.split()
)

_MALE = """
    aaron adam alan albert alex alexander andrew andy anthony antony arthur ben benjamin bill bob
    brad brandon brian bruce carl carlos charles chris christopher colin craig dan daniel darren
    dave david dennis derek donald doug douglas duncan dylan ed edward eric ethan evan frank fred
    gary george gerald glen gordon graham greg gregory harry henry hugh ian isaac jack jacob jake
    james jamie jason jeff jeffrey jeremy jerry jim jimmy joe joel john jon jonathan jordan joseph
    josh joshua justin keith ken kenneth kevin kyle larry lee len leo liam louis luke marc marco
    mark martin matt matthew michael mike nathan neil nick nicholas noah oliver omar oscar owen
    patrick paul peter phil philip ralph randy ray raymond richard rick rob robert roger ron ross
    roy russell ryan sam samuel scott sean sergei serhiy shane simon stephen steve steven stuart
    ted terry thomas tim timothy todd tom tony travis trevor troy victor vincent walter wayne
    william xavier zach ahmed mohammed muhammad ali hassan rajesh arjun dmytro oleksii oleksiy
    andriy andrii volodymyr mykola mykhailo petro pavlo vasyl viktor vitali vitaliy yuriy yurii
    ivan igor oleg vladimir dmitry dmitri alexei aleksei mikhail nikolai pavel boris yevgeny
    denys denis taras bohdan ostap roman stepan maksym maxim kirill anatoliy sergey andrei justin
    jean pierre jacques francois luc doug gord pierre-luc kim-jong emmanuel olaf rishi keir joe
    donald barack jens antonio recep narendra xi
    aaron abdul adam adrian aidan alan alasdair albert alberto alejandro alfred alistair amir
    anders andre andres angus anthony anton archie arnold arthur barry ben benedict benjamin
    bernard bertram blake bob bongani brendan brett brian bruce bryan byron callum calvin carl
    carlos cecil cedric charles charlie christian christopher clarence claude clifford clive
    colin conor conrad craig cyril dale damian daniel darnell darren dave david declan derek
    desmond diego dominic donal duncan dylan edgar edmund eduardo edward edwin elijah elliot
    emeka emil enrique eric ernest ethan eugene evan ewan fergus fernando finn francis francisco
    fraser frederick gareth gavin geoffrey george gerald gerard gilbert glen glenn gordon graham
    grant gregory gustav hamish harold harry harvey hector henry herbert howard hugh hugo ian
    isaac jack jacob jake jamal james jared jason javier jeffrey jeremy jerome jesus jim jimmy
    joel johan johannes jonathan jorge jose joseph joshua juan julian julius karl keith kenneth
    kevin kieran kwame kofi lars lawrence leo leon leonard lewis liam lionel lloyd logan lorenzo
    louis lucas luis luke magnus malcolm manuel marco marcus mario marius martin marvin mateo
    maurice max melvin miguel milton mitchell nasser neville nigel niall norman oisin olusegun
    oluwaseun omari pablo patrick percy philippe pradeep rahul rajiv ramesh raul reginald rhys
    ricardo robbie roberto rodney rohan ronald rory rupert rupert salvador sanjay santiago seamus
    sebastian sergio shaun sidney sipho stanley stefan sunil sven thabo theodore tobias tomas
    trent tristan tyrone vernon vikram wallace warren wesley wilfred winston yusuf zachary
    abdullah ahmad hamza ibrahim ismail khalid mahmoud mustafa rashid tariq anil arun deepak
    kiran manoj prakash rakesh suresh vijay chukwuma chidi emmanuel kwesi tendai tunde uche
    gunnar henrik jan jonas kristian lukas matthias nils stig thomas ulrich wolfgang aleksander
    piotr tomasz krzysztof jakub mateusz janusz
    seán ciarán pádraig éamon dónal colm cathal eoin oisín ruairí tadhg
    """
_FEMALE = """
    abigail alice alison amanda amy andrea angela ann anna anne barbara beth betty brenda carla
    carol caroline carolyn catherine chloe christine claire clara cynthia dana deborah denise
    diana diane donna dorothy elaine eleanor elizabeth ellen emily emma erin eva fiona frances
    gail grace hannah heather helen holly irene jane janet janice jennifer jessica jill joan
    joanne joyce judith judy julia julie karen kate katherine kathleen kathy kelly kim laura lauren
    linda lisa lori louise lucy lynn margaret maria marie marilyn martha mary megan melanie
    melissa michelle monica nancy natalie nicole olivia pamela patricia paula rachel rebecca rita
    rose ruth sally samantha sandra sara sarah sharon shirley sophie stephanie susan suzanne
    tamara teresa theresa tina valerie vanessa victoria virginia wendy yvonne zoe chrystia
    kamala hillary ursula angela annalena giorgia liz theresa jacinda olena olha olga iryna
    iryna yulia yuliia tetiana tatiana nataliya natalia oksana svitlana svetlana kateryna
    ekaterina mariya mariia maria liudmyla lyudmila halyna galina viktoriia viktoria daria darya
    anastasia alina inna larysa larisa nadiya nadezhda ludmila elena yelena valentina marina
    sofia khrystyna hanna ganna darian melanie jody catherine mélanie ginette francine chantal
    nathalie isabelle sylvie josée
    ada adele adriana agnes aileen aisha alexandra alexis alicia alma amanda amara amelia amina
    anita annabel anne-marie annette antoinette april ashley audrey aurelia ayesha beatrice
    beatrix belinda bernadette beverly bianca bonnie bridget bronwen bronwyn camilla candice
    carmen cassandra catriona cecilia celeste celia charlotte cheryl chidinma christina cindy
    colleen constance cora cordelia corinne courtney daisy danielle daphne delia delphine
    dervla dolores doreen doris edith eileen eilidh elaine eleanor elena elise eliza ella
    eloise elsie emma esther ethel eugenia evelyn farida fatima fatuma felicity fenella florence
    freya gabriela gabrielle georgia geraldine gillian gina gladys gloria gwen gwendolyn harriet
    hazel heidi helena henrietta hilary ida imogen ingrid irene isabel isabella isla jacqueline
    janine jasmine jean jeanette jemima jenna jo joanna jocelyn josephine joy juliet justine
    kara katarzyna kathryn katie katrina kayla kerry kirsten kristen kristina lara leah leila
    lena leonie lesley lillian lily lindsay lindsey liza lorna lorraine lucia lucinda lydia
    mabel maeve magdalena maggie mairead mandy marcia margo marguerite mariana marianne marion
    marjorie marlene marsha maureen maxine meredith mildred miriam moira molly morag muriel
    nadia naomi nell nia nina nora noreen norma nomvula nkechi olive pauline penelope petra
    philippa phoebe phyllis polly priscilla priya rhiannon roberta rosalind rosemary roxanne
    sabrina sadie sally-anne selina shalini sheila shona sian siobhan simone sinead sonia sonya
    stella sunita sybil sylvia tanya thandiwe theodora tracey tracy una vera veronica vivian
    wilma winifred yasmin zainab zara zanele anjali deepa kavita lakshmi meera nisha pooja
    rekha sangeeta aroha ngozi amaka folake funmilayo wanjiru akosua abena ingeborg astrid
    birgit sigrid solveig agnieszka malgorzata joanna
    siobhán mairéad sinéad máire aoife niamh caoimhe róisín orla gráinne """

# Given to both ("Lee Finell ... she said"): a first name, but no vote on gender.
EN_UNISEX_NAMES = frozenset(
    "lee jordan alex sam jamie chris terry taylor casey morgan robin pat leslie jesse kelly shannon "
    "dana drew avery riley quinn cameron".split()
)
EN_MALE_NAMES = frozenset(_MALE.split()) - EN_UNISEX_NAMES
EN_FEMALE_NAMES = frozenset(_FEMALE.split()) - EN_MALE_NAMES - EN_UNISEX_NAMES
EN_FIRST_NAMES = EN_MALE_NAMES | EN_FEMALE_NAMES | EN_UNISEX_NAMES

# --- Ukrainian and Russian ---------------------------------------------------------------------

UK_SPEECH_VERBS = {
    # verb: gender of the subject it agrees with ("m", "f", or None for plural/any)
    "сказав": "m",
    "сказала": "f",
    "сказали": None,
    "заявив": "m",
    "заявила": "f",
    "заявили": None,
    "зазначив": "m",
    "зазначила": "f",
    "зазначили": None,
    "наголосив": "m",
    "наголосила": "f",
    "наголосили": None,
    "додав": "m",
    "додала": "f",
    "додали": None,
    "підкреслив": "m",
    "підкреслила": "f",
    "підкреслили": None,
    "повідомив": "m",
    "повідомила": "f",
    "повідомили": None,
    "попередив": "m",
    "попередила": "f",
    "попередили": None,
    "пояснив": "m",
    "пояснила": "f",
    "пояснили": None,
    "відповів": "m",
    "відповіла": "f",
    "розповів": "m",
    "розповіла": "f",
    "написав": "m",
    "написала": "f",
    "каже": None,
    "кажуть": None,
    "говорить": None,
    "заявляє": None,
    "зауважив": "m",
    "зауважила": "f",
    "запитав": "m",
    "запитала": "f",
    "наполягав": "m",
    "наполягала": "f",
    "визнав": "m",
    "визнала": "f",
    "переконаний": "m",
    "переконана": "f",
    "вважає": None,
    "пообіцяв": "m",
    "пообіцяла": "f",
    "нагадав": "m",
    "нагадала": "f",
    "продовжив": "m",
    "продовжила": "f",
    "резюмував": "m",
    "резюмувала": "f",
    "підсумував": "m",
    "підсумувала": "f",
    "уточнив": "m",
    "уточнила": "f",
    "йдеться": None,
    "зізнався": "m",
    "зізналася": "f",
    "відзначив": "m",
    "відзначила": "f",
}
RU_SPEECH_VERBS = {
    "сказал": "m",
    "сказала": "f",
    "сказали": None,
    "заявил": "m",
    "заявила": "f",
    "заявили": None,
    "отметил": "m",
    "отметила": "f",
    "отметили": None,
    "подчеркнул": "m",
    "подчеркнула": "f",
    "подчеркнули": None,
    "добавил": "m",
    "добавила": "f",
    "добавили": None,
    "сообщил": "m",
    "сообщила": "f",
    "сообщили": None,
    "пояснил": "m",
    "пояснила": "f",
    "пояснили": None,
    "предупредил": "m",
    "предупредила": "f",
    "предупредили": None,
    "ответил": "m",
    "ответила": "f",
    "рассказал": "m",
    "рассказала": "f",
    "написал": "m",
    "написала": "f",
    "говорит": None,
    "говорят": None,
    "заявляет": None,
    "считает": None,
    "спросил": "m",
    "спросила": "f",
    "настаивал": "m",
    "настаивала": "f",
    "признал": "m",
    "признала": "f",
    "пообещал": "m",
    "пообещала": "f",
    "напомнил": "m",
    "напомнила": "f",
    "продолжил": "m",
    "продолжила": "f",
    "уточнил": "m",
    "уточнила": "f",
    "резюмировал": "m",
    "резюмировала": "f",
    "убежден": "m",
    "убеждена": "f",
    "уверен": "m",
    "уверена": "f",
    "говорится": None,
    "признался": "m",
    "призналась": "f",
}
UK_PRONOUNS = {"він": "m", "вона": "f", "вони": None}
RU_PRONOUNS = {"он": "m", "она": "f", "они": None}

# Lower-case role nouns that head a role phrase before a name ("речниця МЗС Ольга Петренко").
CYR_ROLE_WORDS = frozenset(
    """
    міністерка міністерки депутатка депутатки керівниця керівниці очільниця очільниці
    заступниця заступниці секретарка секретарки президентка президентки мерка мерки
    урядовиця експертка експертки аналітикиня аналітикині головна начальница начальницы
    начальниця начальниці директорка директорки прокурорка прокурорки суддя судді
    руководительница руководительницы председательница председательницы заместительница
    президент президента міністр міністра прем'єр-міністр прем'єр-міністра речник речника
    речниця речниці голова голови посол посла генерал генерала директор директора керівник
    керівника керівниця радник радника радниця заступник заступника заступниця мер мера
    губернатор губернатора депутат депутата депутатка спікер спікера командувач командувача
    очільник очільника очільниця представник представника представниця секретар секретаря
    генсек аналітик аналітика експерт експерта професор професора економіст економіста
    уповноважений уповноважена омбудсман прокурор прокурора суддя начальник начальника
    віце-прем'єр-міністр віце-прем'єр-міністра ректор ректора директорка директорки президентка
    президентки голова заступниця заступниці лідер лідерка архітектор доцент доцента доцентка
    доцентки викладач викладача викладачка дослідник дослідника дослідниця науковець науковця
    министр министра премьер-министр премьер-министра пресс-секретарь пресс-секретаря глава
    главы посол посла генерал генерала директор директора руководитель руководителя советник
    советника заместитель заместителя мэр мэра губернатор губернатора депутат депутата спикер
    спикера командующий командующего представитель представителя представительница секретарь
    секретаря генсек аналитик аналитика эксперт эксперта профессор профессора экономист
    экономиста уполномоченный омбудсмен прокурор прокурора судья начальник начальника
    вице-премьер вице-премьера официальный официального ректор ректора председатель
    председателя замминистра лидер лидера архитектор архитектора доцент доцента преподаватель
    преподавателя исследователь исследователя основатель основателя основательница засновник
    засновника засновниця главврач главврача замглавы замдиректора замгубернатора замначальника
    замруководителя замгендиректора гендиректор гендиректора головлікар головлікаря гендиректорка
    староста старости старосты
    """.split()
)
CYR_ORG_WORDS = frozenset(
    """
    міністерство міністерства мзс мо моз уряд уряду офіс офісу рада ради служба служби агентство
    агентства комітет комітету комісія комісії поліція поліції нбу нацбанк банк банку фонд фонду
    генштаб генштабу штаб штабу відомство відомства управління сбу сзр зсу нато оон єс
    министерство министерства мид минобороны правительство правительства офис офиса совет
    совета служба службы агентство агентства комитет комитета комиссия комиссии полиция
    полиции банк банка фонд фонда генштаб генштаба штаб штаба ведомство ведомства управление
    управления кремль кремля оон ес нацбанк минздрав минфин минэкономики міністерство асоціація
    ассоциация дума думы пресс-служба
    тов тзов пат прат ат кп дп ооо оао зао пао ао нпо гп мп фгуп
    """.split()
)
CYR_FEMALE_FIRST = frozenset(
    """
    ольга олена ірина юлія тетяна наталія оксана світлана катерина марія людмила галина вікторія
    дарія анастасія аліна інна лариса надія валентина марина софія христина ганна анна віра
    ольга елена ирина юлия татьяна наталья оксана светлана екатерина мария людмила галина
    виктория дарья анастасия алина инна лариса надежда валентина марина софия кристина анна
    вера любов любовь зоя майя яна уляна оля
    """.split()
)
CYR_MALE_FIRST = frozenset(
    """
    дмитро олексій андрій володимир микола михайло петро павло василь віктор віталій юрій іван
    ігор олег денис тарас богдан остап роман степан максим кирило анатолій сергій олександр
    артем євген валерій геннадій григорій ілля микита лука
    дмитрий алексей андрей владимир николай михаил пётр петр павел василий виктор виталий юрий
    иван игорь олег денис тарас богдан роман степан максим кирилл анатолий сергей александр
    артём артем евгений валерий геннадий григорий илья никита лука борис
    """.split()
)

# Whom words were said to, written between the verb and the speaker ("— заявил журналистам
# защитник", "— розповів журналістам посадовець").
CYR_ADDRESSEES = frozenset(
    "журналистам журналістам репортерам репортёрам корреспонденту кореспонденту корреспондентам "
    "кореспондентам изданию виданню собравшимся присутнім присутствующим".split()
)

# Short nouns for a town's bodies and the noun their full names have ("у міськраді" ->
# "Підгірська міська рада", "в мэрии" -> "Администрация города ...").
CYR_COMPOUND_BODIES = {
    "мерія": "адміністрація",
    "мэрия": "администрация",
    "міськрада": "рада",
    "облрада": "рада",
    "райрада": "рада",
    "сільрада": "рада",
    "горсовет": "совет",
    "облсовет": "совет",
    "райсовет": "совет",
    "сельсовет": "совет",
}

# Nouns that call someone an official without saying which office ("— сказала чиновница",
# "— наголосив посадовець"): any person the paragraph introduced with a role may be meant.
CYR_OFFICIAL_NOUNS = frozenset(
    """
    чиновник чиновница чиновнику посадовець посадовиця урядовець урядовиця функціонер
    функционер функционерка службовець службовиця
    """.split()
)

# Dictionary forms of nouns that say only that someone is a person the text speaks with or of
# ("— розповів співрозмовник", "— сказала женщина"): whoever the paragraph names.
# Nouns for a source the text keeps unnamed ("the official said", "— сообщил источник"):
# never read as someone the briefing names.
UNNAMED_SOURCE_NOUNS = frozenset(
    """
    source sources official officials spokesperson spokesman spokeswoman insider aide
    джерело источник співрозмовник співрозмовниця собеседник собеседница
    """.split()
)

CYR_GENERIC_PERSON_LEMMAS = frozenset(
    """
    співрозмовник співрозмовниця собеседник собеседница чоловік жінка мужчина женщина
    чиновник чиновница посадовець посадовиця урядовець урядовиця
    """.split()
)

# Dictionary forms (as the morphological analyser gives them) of nouns naming a body that
# speaks: "— сообщили в компании", "— йдеться в заяві спілки".
CYR_ORG_LEMMAS = frozenset(
    """
    союз спілка асоціація ассоциация компанія компания організація организация міністерство
    общество товариство агрофірма агрофирма агрохолдинг комбинат
    министерство відомство ведомство служба пресс-служба прес-служба пресслужба управління
    управление агентство комітет комитет комісія комиссия рада совет уряд правительство фонд банк
    фірма фирма підприємство предприятие завод концерн холдинг корпорація корпорация мерія мэрия
    адміністрація администрация департамент інспекція инспекция регулятор партія партия
    профспілка профсоюз об'єднання объединение рух движение палата офіс офис штаб поліція полиция
    прокуратура суд театр університет университет лікарня больница водоканал оператор
    госсовет горсовет облсовет райсовет сельсовет міськрада облрада райрада минздрав минфин
    минтранс минобрнауки мінфін держдума госдума федерация федерація центр коллегия колегія
    институт інститут академия академія учреждение установа управа кооператив
    """.split()
)
# Compound short forms of roles and the stems of the words they stand for, in order:
# "замминистра" is "заместитель министра ...", "главврач" is "главный врач ...".
CYR_ROLE_SHORT_FORMS = {
    "замминистра": ("замест", "министр"),
    "замглавы": ("замест", "глав"),
    "замдиректора": ("замест", "директор"),
    "замгубернатора": ("замест", "губернатор"),
    "замначальника": ("замест", "начальник"),
    "замруководителя": ("замест", "руководител"),
    "замгендиректора": ("замест", "генеральн", "директор"),
    "главврач": ("главн", "врач"),
    "гендиректор": ("генеральн", "директор"),
    "головлікар": ("головн", "лікар"),
    "гендиректорка": ("генеральн", "директор"),
}
# Dictionary forms of what a body says things in: "говорится в заявлении", "ідеться в документі".
CYR_STATEMENT_LEMMAS = frozenset(
    """
    заява заявление повідомлення сообщение документ лист письмо реліз релиз прес-реліз
    пресс-релиз відповідь ответ постанова постановление рішення решение звернення обращение
    звіт отчёт отчет коментар комментарий публікація публикация допис пост
    """.split()
)
# Impersonal "it is said": "говорится", "йдеться", "сказано", "отмечается", "зазначається".
CYR_IMPERSONAL_SAYS = frozenset(
    """
    говорится сказано отмечается подчёркивается подчеркивается указывается утверждается
    йдеться ідеться мовиться зазначається наголошується вказується стверджується
    """.split()
)
# Dictionary forms of verbs that introduce someone's words, in any tense, person or gender:
# "сказав", "объясняет", "згадує", "признаётся".
RU_SPEECH_LEMMAS = frozenset(
    """
    сказать говорить заявить заявлять отметить отмечать подчеркнуть подчёркивать подчеркивать
    добавить добавлять сообщить сообщать пояснить пояснять предупредить предупреждать ответить
    отвечать рассказать рассказывать написать писать объяснить объяснять признаться признаваться
    признать признавать вспоминать вспомнить уточнить уточнять заметить замечать возразить
    возражать напомнить напоминать считать полагать уверять заверить заверять пообещать обещать
    призвать призывать констатировать резюмировать продолжить продолжать спросить спрашивать
    воскликнуть пожаловаться жаловаться поделиться делиться убеждать прокомментировать
    комментировать пошутить шутить заключить подытожить настаивать сетовать посетовать
    парировать отозваться откликнуться назвать называть охарактеризовать указать указывать
    """.split()
)
# Verbs of calling something something: "назвал ставки «экономически бессмысленными»" quotes
# the words it is called, never a sentence of someone's.
CYR_NAMING_LEMMAS = frozenset("назвать называть охарактеризовать назвати називати охарактеризувати".split())
UK_SPEECH_LEMMAS = frozenset(
    """
    сказати казати говорити заявити заявляти зазначити зазначати наголосити наголошувати додати
    додавати повідомити повідомляти пояснити пояснювати попередити попереджати відповісти
    відповідати розповісти розповідати написати писати визнати визнавати зізнатися зізнаватися
    згадувати згадати уточнити уточнювати помітити зауважити зауважувати заперечити заперечувати
    нагадати нагадувати вважати переконувати запевнити запевняти пообіцяти обіцяти закликати
    констатувати підсумувати продовжити продовжувати запитати запитувати спитати вигукнути
    поскаржитися скаржитися поділитися ділитися прокоментувати коментувати пожартувати
    жартувати підкреслити підкреслювати наполягати парирувати відгукнутися назвати називати
    охарактеризувати вказати вказувати
    """.split()
)
