/* demo_places.c: names (en/az/ru), other spellings and code abbreviations of the 79 areas of
 * data/aze-adm2.geojson, keyed by their geoBoundaries shapeID. */
#include <string.h>
#include "demine/demo.h"

#define P "AZE-ADM2-54616110B"

static const struct dm_demo_place places[] = {
	{ P "38641282", "Khachmaz District", "Xaçmaz rayonu", "Хачмазский район", "Xacmaz;Xaçmaz;Khachmas;Hachmaz", "KHC" },
	{ P "96476014", "Shabran District", "Şabran rayonu", "Шабранский район", "Sabran;Şabran;Davachi;Devechi;Dəvəçi", "SBR" },
	{ P "36880762", "Siazan District", "Siyəzən rayonu", "Сиязаньский район", "Siyazan;Siyəzən;Siyezen", "SIY" },
	{ P "19351899", "Khizi District", "Xızı rayonu", "Хызынский район", "Xizi;Xızı;Khyzy", "KHZ" },
	{ P "83548263", "Qusar District", "Qusar rayonu", "Кусарский район", "Gusar;Kusar;Kusary", "QUS" },
	{ P "11465922", "Quba District", "Quba rayonu", "Губинский район", "Guba;Kuba", "QBA" },
	{ P "85010479", "Absheron District", "Abşeron rayonu", "Абшеронский район", "Abseron;Abşeron;Apsheron", "ABS" },
	{ P "4069416", "Sumqayit City", "Sumqayıt şəhəri", "город Сумгаит", "Sumqayit;Sumqayıt;Sumgait;Sumgayit", "SUM" },
	{ P "95855543", "Baku City", "Bakı şəhəri", "город Баку", "Baku;Baki;Bakı", "BAK" },
	{ P "67434419", "Gobustan District", "Qobustan rayonu", "Гобустанский район", "Qobustan;Gobustan;Kobustan;Maraza", "GOB" },
	{ P "6813230", "Shamakhi District", "Şamaxı rayonu", "Шемахинский район", "Samaxi;Şamaxı;Shamakha;Shemakha", "SMX" },
	{ P "48824948", "Qabala District", "Qəbələ rayonu", "Габалинский район", "Gabala;Qabala;Qəbələ;Kutkashen", "QBL" },
	{ P "81491762", "Ismailli District", "İsmayıllı rayonu", "Исмаиллинский район", "Ismayilli;İsmayıllı;Ismailly", "ISM" },
	{ P "8355647", "Agsu District", "Ağsu rayonu", "Агсуинский район", "Aghsu;Agsu;Ağsu;Akhsu", "AGS" },
	{ P "87506037", "Hajigabul District", "Hacıqabul rayonu", "Гаджикабульский район", "Haciqabul;Hacıqabul;Hajiqabul;Kazi-Magomed", "HAC" },
	{ P "9949759", "Shirvan City", "Şirvan şəhəri", "город Ширван", "Sirvan;Şirvan;Ali-Bayramli;Əli Bayramlı", "SIR" },
	{ P "84417118", "Oghuz District", "Oğuz rayonu", "Огузский район", "Oguz;Oğuz;Vartashen", "OGZ" },
	{ P "40670722", "Ganja City", "Gəncə şəhəri", "город Гянджа", "Ganca;Gəncə;Gence;Gyandzha;Kirovabad", "GNC" },
	{ P "39808892", "Shusha City", "Şuşa şəhəri", "город Шуша", "Susa;Şuşa;Shusha;Shushi", "SHC" },
	{ P "37997880", "Khankendi City", "Xankəndi şəhəri", "город Ханкенди", "Xankendi;Xankəndi;Khankendi;Stepanakert", "KHN" },
	{ P "21320480", "Yevlakh City", "Yevlax şəhəri", "город Евлах", "Yevlax;Yevlakh;Evlakh", "YVC" },
	{ P "99306232", "Naftalan City", "Naftalan şəhəri", "город Нафталан", "Naftalan", "NAF" },
	{ P "37172376", "Shaki City", "Şəki şəhəri", "город Шеки", "Saki;Şəki;Sheki;Nukha", "SKC" },
	{ P "49019308", "Salyan District", "Salyan rayonu", "Сальянский район", "Salyan;Salyany", "SAL" },
	{ P "11281861", "Sabirabad District", "Sabirabad rayonu", "Сабирабадский район", "Sabirabad", "SAB" },
	{ P "30514968", "Lankaran City", "Lənkəran şəhəri", "город Ленкорань", "Lenkeran;Lənkəran;Lankaran;Lenkoran", "LNC" },
	{ P "27391306", "Neftchala District", "Neftçala rayonu", "Нефтечалинский район", "Neftcala;Neftçala;Neftechala", "NFT" },
	{ P "26341487", "Lankaran District", "Lənkəran rayonu", "Ленкоранский район", "Lenkeran;Lənkəran;Lankaran;Lenkoran", "LNK" },
	{ P "7279941", "Shaki District", "Şəki rayonu", "Шекинский район", "Saki;Şəki;Sheki;Nukha", "SHK" },
	{ P "21186207", "Mingachevir City", "Mingəçevir şəhəri", "город Мингечевир", "Mingecevir;Mingəçevir;Mingachevir;Mingechaur", "MNG" },
	{ P "88493916", "Yevlakh District", "Yevlax rayonu", "Евлахский район", "Yevlax;Yevlakh;Evlakh", "YVL" },
	{ P "568045", "Qakh District", "Qax rayonu", "Гахский район", "Qax;Gakh;Kakh", "QAX" },
	{ P "37610171", "Zaqatala District", "Zaqatala rayonu", "Закатальский район", "Zaqatala;Zagatala;Zakataly", "ZAQ" },
	{ P "70708927", "Balakan District", "Balakən rayonu", "Балакенский район", "Balaken;Balakən;Belokany", "BAL" },
	{ P "24513103", "Masally District", "Masallı rayonu", "Масаллинский район", "Masalli;Masallı;Masally", "MAS" },
	{ P "12911193", "Lankaran District (part 2)", "Lənkəran rayonu", "Ленкоранский район", "Lankaran District;Lenkeran;Lənkəran;Lankaran;Lenkoran", "LNB" },
	{ P "52468998", "Astara District", "Astara rayonu", "Астаринский район", "Astara", "AST" },
	{ P "53764935", "Lerik District", "Lerik rayonu", "Лерикский район", "Lerik", "LER" },
	{ P "44325960", "Yardymli District", "Yardımlı rayonu", "Ярдымлинский район", "Yardimli;Yardımlı;Yardymly", "YAR" },
	{ P "4350035", "Jalilabad District", "Cəlilabad rayonu", "Джалилабадский район", "Celilabad;Cəlilabad;Jalilabad;Astrakhanka", "JLB" },
	{ P "69880531", "Bilasuvar District", "Biləsuvar rayonu", "Билясуварский район", "Bilesuvar;Biləsuvar;Bilasuvar;Pushkino", "BLS" },
	{ P "50525996", "Saatly District", "Saatlı rayonu", "Саатлинский район", "Saatli;Saatlı;Saatly", "SAA" },
	{ P "94980042", "Agdash District", "Ağdaş rayonu", "Агдашский район", "Agdas;Ağdaş;Aghdash;Agdash", "ADS" },
	{ P "63998168", "Goychay District", "Göyçay rayonu", "Гёйчайский район", "Goycay;Göyçay;Goychay;Geokchay", "GOY" },
	{ P "3245349", "Ujar District", "Ucar rayonu", "Уджарский район", "Ucar;Ujar;Udzhary", "UCR" },
	{ P "22846394", "Kurdamir District", "Kürdəmir rayonu", "Кюрдамирский район", "Kurdemir;Kürdəmir;Kurdamir", "KUR" },
	{ P "12658402", "Zardab District", "Zərdab rayonu", "Зардобский район", "Zerdab;Zərdab;Zardab;Zardob", "ZRD" },
	{ P "18423244", "Imishli District", "İmişli rayonu", "Имишлинский район", "Imisli;İmişli;Imishli", "IMI" },
	{ P "63064995", "Barda District", "Bərdə rayonu", "Бардинский район", "Berde;Bərdə;Barda", "BRD" },
	{ P "84473682", "Aghjabadi District", "Ağcabədi rayonu", "Агджабединский район", "Agcabedi;Ağcabədi;Aghjabadi;Agjabedi", "AGJ" },
	{ P "47666371", "Beylagan District", "Beyləqan rayonu", "Бейлаганский район", "Beyleqan;Beyləqan;Beylagan;Zhdanov", "BEY" },
	{ P "25866066", "Samukh District", "Samux rayonu", "Самухский район", "Samux;Samukh", "SMK" },
	{ P "21357752", "Goranboy District", "Goranboy rayonu", "Геранбойский район", "Goranboy;Geranboy;Kasum-Ismailov", "GRB" },
	{ P "56216693", "Tartar District", "Tərtər rayonu", "Тертерский район", "Terter;Tərtər;Tartar;Mir-Bashir", "TRT" },
	{ P "71777131", "Kalbajar District", "Kəlbəcər rayonu", "Кельбаджарский район", "Kelbecer;Kəlbəcər;Kalbajar;Kelbajar;Karvachar", "KLB" },
	{ P "74307796", "Agdam District", "Ağdam rayonu", "Агдамский район", "Aghdam;Agdam;Ağdam;Akdam", "AGD" },
	{ P "95939995", "Goygol District", "Göygöl rayonu", "Гёйгёльский район", "Goygol;Göygöl;Khanlar", "GYG" },
	{ P "12427044", "Shamkir District", "Şəmkir rayonu", "Шамкирский район", "Semkir;Şəmkir;Shamkir;Shamkhor", "SMR" },
	{ P "20077328", "Dashkasan District", "Daşkəsən rayonu", "Дашкесанский район", "Daskesen;Daşkəsən;Dashkasan;Dashkesan", "DSK" },
	{ P "8343857", "Gadabay District", "Gədəbəy rayonu", "Гедабекский район", "Gedebey;Gədəbəy;Gadabay;Kedabek", "GDB" },
	{ P "6001398", "Tovuz District", "Tovuz rayonu", "Товузский район", "Tovuz", "TOV" },
	{ P "59826392", "Agstafa District", "Ağstafa rayonu", "Агстафинский район", "Agstafa;Ağstafa;Aghstafa;Akstafa", "AGT" },
	{ P "26707723", "Qazakh District", "Qazax rayonu", "Газахский район", "Qazax;Gazakh;Kazakh", "QAZ" },
	{ P "64627190", "Lachin District", "Laçın rayonu", "Лачинский район", "Lacin;Laçın;Lachin;Berdzor", "LAC" },
	{ P "630209", "Khojaly District", "Xocalı rayonu", "Ходжалинский район", "Xocali;Xocalı;Khojaly;Khojali;Askeran", "KHL" },
	{ P "50193456", "Shusha District", "Şuşa rayonu", "Шушинский район", "Susa;Şuşa;Shusha;Shushi", "SHU" },
	{ P "68470327", "Khojavend District", "Xocavənd rayonu", "Ходжавендский район", "Xocavend;Xocavənd;Khojavend;Khojavand;Martuni", "KHJ" },
	{ P "70488291", "Fuzuli District", "Füzuli rayonu", "Физулинский район", "Fuzuli;Füzuli;Fizuli;Varanda", "FZL" },
	{ P "51569828", "Jabrayil District", "Cəbrayıl rayonu", "Джебраильский район", "Cebrayil;Cəbrayıl;Jabrayil;Jabrail;Jebrail", "JBR" },
	{ P "38588730", "Qubadli District", "Qubadlı rayonu", "Губадлинский район", "Qubadli;Qubadlı;Gubadly;Gubadli;Kubatly", "GBD" },
	{ P "35620946", "Zangilan District", "Zəngilan rayonu", "Зангиланский район", "Zengilan;Zəngilan;Zangilan;Zangelan", "ZNG" },
	{ P "82441030", "Ordubad District", "Ordubad rayonu", "Ордубадский район", "Ordubad", "ORD" },
	{ P "26290362", "Julfa District", "Culfa rayonu", "Джульфинский район", "Culfa;Julfa;Dzhulfa;Jolfa", "JUL" },
	{ P "23601039", "Shahbuz District", "Şahbuz rayonu", "Шахбузский район", "Sahbuz;Şahbuz;Shahbuz", "SHB" },
	{ P "31196668", "Nakhchivan City", "Naxçıvan şəhəri", "город Нахчыван", "Naxcivan;Naxçıvan;Nakhchivan;Nakhichevan;Нахичевань", "NAX" },
	{ P "31595630", "Babek District", "Babək rayonu", "Бабекский район", "Babek;Babək;Babak", "BAB" },
	{ P "87293315", "Kangarli District", "Kəngərli rayonu", "Кенгерлинский район", "Kengerli;Kəngərli;Kangarli", "KNG" },
	{ P "87514406", "Sharur District", "Şərur rayonu", "Шарурский район", "Serur;Şərur;Sharur;Norashen", "SRR" },
	{ P "44401586", "Sadarak District", "Sədərək rayonu", "Садаракский район", "Sederek;Sədərək;Sadarak", "SDR" },
};

const struct dm_demo_place *dm_demo_places(size_t *n)
{
	if (n)
		*n = sizeof(places) / sizeof(places[0]);
	return places;
}

const struct dm_demo_place *dm_demo_place(const char *pcode)
{
	size_t i;
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (!strcmp(places[i].pcode, pcode))
			return &places[i];
	return NULL;
}
