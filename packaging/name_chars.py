"""The rarer characters of Chinese personal and place names, for subsetting the shipped fonts.

GB 2312 lacks many characters that people and places are named with (镕 of 朱镕基,
堃, 喆, 昇, 玥 …); GBK has them. The shipped 楷体 (LXGW WenKai) and the bold serif
(小标宋) are subset to GB 2312 plus `name_supplement()` to stay small; the regular
serif covers all of GBK and prints, through the per-character fallback, any other
character those two lack. `NAME_CHARS` is a hand-made list (surnames and given-name
characters seen in county rosters, the characters of the demo and test data); only
its characters that GBK has and GB 2312 lacks are taken.
"""
from __future__ import annotations

NAME_CHARS = (
    # the demo's and the tests' names
    "镕堃喆"
    # given-name characters
    "昇淼焱玥珺琰瑄璟旻昱晔祎婧嫚垚犇琇琤珈珩瑜瑛瑭瑀瑢璠玙珣珮琬琦琮瑗暐晟晞暄曈曦烨煜熠燚"
    "焜炅昕晖頔淏沄泓洺潆滢濛汐沅沺芃芊苾荦莘菁萱蓁蕤蘅桉楠榕槿樾梓棣骞骐骅铖锟鋆钊钧锴镒彧"
    "懿翀翊翯翚赟贇赜燊屾峣峤峥崑崟嵘珅镓泷洹溆湉旸昶昉晁晗晏暘曜筠箐篪粲缇缙绮纾纭羿翾聿肜"
    "胤臻舸芮苒荃荇莅菡萁葳蕙蘩虓衎褀覃谌谞赓跹邕郅郗鄞钤铄镛闿阗陟隽霁霈颀颉颢骁鹍麒鼐"
    "堉塬墀壵奕娴婵媛嫱孃宸寀尧岍岿嵩巘弢彤徕忞怿恺悆惇愔懋戬扆攸斐旌旼昀昊昝晋晳暎朏杉枥"
    "栎栩桢椿楙榛樟檀歆毓汭沣沨泠洢浛浵涴淦渼湜溱滟潍澍澧濬瀚炟烜焓煊熹燏爔犀玓玚玠玢玦玳"
    "珏珙珞珥琏琛琨琳琼瑨瑭瑷璁璇璋璘璞璨璩璿瓒甦畇畯皓皞睿瞿砚碧祐祯祺禛禧秾稷穆竑竣笙筱"
    "篁簃紘綦缃缈罡翕翮耘胥舜芸茗荟莼菲萌蓓蔓蕾薰藜蘭虞蝶衿裴覞詝谖谡谦豪贲赉赫跃辂逵遒邴"
    "郜郯鄢酃采釉铎铠铤锃锜锦锬镠镡闳阚陉霖靖韪韬頊顼颋飏饶馨骥骧鲲鹓鹙黉"
    # surnames
    "禤鄺麴昝佘笪茆郦逯阙牟妫郐訾隗亓厍暨仉邗"
)


def name_supplement() -> str:
    """The characters of NAME_CHARS that GBK encodes and GB 2312 does not, in order, once each."""
    out = []
    for ch in dict.fromkeys(NAME_CHARS):
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            out.append(ch)
    return "".join(out)
