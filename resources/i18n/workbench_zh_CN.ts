<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About AIGC Workbench</source>
        <translation>关于 AIGC 工作台</translation>
    </message>
    <message>
        <source>Offline content studio: fine-tune, generate and review on this computer; nothing is sent over the network.</source>
        <translation>离线内容工作室：在本机微调、生成和审核，任何内容都不会经网络发送。</translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation>工作区：%1</translation>
    </message>
    <message>
        <source>Reading library versions…</source>
        <translation>正在读取组件库版本…</translation>
    </message>
    <message>
        <source>Run self-test</source>
        <translation>运行自检</translation>
    </message>
    <message>
        <source>Check the installation offline in a temporary workspace</source>
        <translation>在临时工作区中离线检查本机安装</translation>
    </message>
    <message>
        <source>Running the self-test…</source>
        <translation>正在运行自检…</translation>
    </message>
    <message>
        <source>All %1 checks passed.</source>
        <translation>全部 %1 项检查通过。</translation>
    </message>
    <message>
        <source>%1 of %2 checks failed: %3</source>
        <translation>%2 项检查中有 %1 项未通过：%3</translation>
    </message>
</context>
<context>
    <name>AugmentDialog</name>
    <message>
        <source>Augment %1</source>
        <translation>扩充 %1</translation>
    </message>
    <message>
        <source>Adds reworded copies of the training examples as a new version. Only the prompt side changes, so every answer stays correct; validation and test examples are never touched.</source>
        <translation>将训练样本的改写副本作为新版本添加。只改动提示部分，因此每个答案依然正确；验证集和测试集样本不会被改动。</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Synonyms: swap words for ones with the same meaning</source>
        <translation>同义词：把词换成意思相同的词</translation>
    </message>
    <message>
        <source>Swap: change the order of two words or clauses</source>
        <translation>交换：调换两个词或分句的顺序</translation>
    </message>
    <message>
        <source>Delete: drop a word or clause</source>
        <translation>删除：去掉一个词或分句</translation>
    </message>
    <message>
        <source>Rephrase: wrap the request in another polite form</source>
        <translation>改述：换一种礼貌的说法提出请求</translation>
    </message>
    <message>
        <source>Copies per example</source>
        <translation>每条样本的副本数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Examples added</source>
        <translation>新增样本</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>扩充</translation>
    </message>
    <message>
        <source>Synonyms</source>
        <translation>同义词</translation>
    </message>
    <message>
        <source>Swap</source>
        <translation>交换</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Rephrase</source>
        <translation>改述</translation>
    </message>
    <message>
        <source>The augmentation was %1; the dataset is unchanged.</source>
        <translation>扩充已%1；数据集未改变。</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>Version %1: %2 augmented example(s) added, tagged aug:… so they are easy to filter.</source>
        <translation>版本 %1：已添加 %2 条扩充样本，带有 aug:… 标签，便于筛选。</translation>
    </message>
</context>
<context>
    <name>BundleExportDialog</name>
    <message>
        <source>Export an offline bundle</source>
        <translation>导出离线包</translation>
    </message>
    <message>
        <source>Where to write the bundle, e.g. a USB stick</source>
        <translation>离线包的保存位置，例如U盘</translation>
    </message>
    <message>
        <source>What to include</source>
        <translation>包含内容</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Base models</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Adapters</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>An adapter needs its base model on the other machine: include it unless it is already there.</source>
        <translation>适配器需要在另一台机器上有其基础模型：除非那里已有，否则请一并勾选。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export bundle</source>
        <translation>导出离线包</translation>
    </message>
    <message>
        <source>Bundles (*.zip)</source>
        <translation>离线包 (*.zip)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Choose where to write the bundle.</source>
        <translation>请选择离线包的保存位置。</translation>
    </message>
    <message>
        <source>Tick at least one item to include.</source>
        <translation>请至少勾选一项。</translation>
    </message>
</context>
<context>
    <name>BundleImportDialog</name>
    <message>
        <source>Import an offline bundle</source>
        <translation>导入离线包</translation>
    </message>
    <message>
        <source>A bundle .zip exported by AIGC Workbench on another machine</source>
        <translation>另一台机器上由 AIGC Workbench 导出的离线包 .zip</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Press Check: every file is verified against its fingerprint before anything is imported.</source>
        <translation>请按“检查”：导入前会根据指纹校验每个文件。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>On import</source>
        <translation>导入时</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Choose a bundle</source>
        <translation>选择离线包</translation>
    </message>
    <message>
        <source>Bundles (*.zip)</source>
        <translation>离线包 (*.zip)</translation>
    </message>
    <message>
        <source>Verifying every file of the bundle…</source>
        <translation>正在校验离线包中的每个文件…</translation>
    </message>
    <message>
        <source>The bundle could not be read.</source>
        <translation>无法读取该离线包。</translation>
    </message>
    <message>
        <source>Verified %1 files (%2), made by AIGC Workbench %3.</source>
        <translation>已校验 %1 个文件（%2），由 AIGC Workbench %3 生成。</translation>
    </message>
    <message>
        <source>Ready: %1 item(s) will be added.</source>
        <translation>就绪：将添加 %1 项。</translation>
    </message>
    <message>
        <source>Cannot import yet: %1</source>
        <translation>暂不能导入：%1</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>%1 records</source>
        <translation>%1 条记录</translation>
    </message>
    <message>
        <source>already here, skipped</source>
        <translation>本机已有，跳过</translation>
    </message>
    <message>
        <source>will be added</source>
        <translation>将被添加</translation>
    </message>
    <message>
        <source>its base model is missing</source>
        <translation>缺少其基础模型</translation>
    </message>
    <message>
        <source>Not signed.</source>
        <translation>未签名。</translation>
    </message>
    <message>
        <source>Signed by key %1 (%2), trusted.</source>
        <translation>由密钥 %1（%2）签名，受信任。</translation>
    </message>
    <message>
        <source>Signed by key %1 (%2), NOT trusted here.</source>
        <translation>由密钥 %1（%2）签名，本工作区不信任该密钥。</translation>
    </message>
    <message>
        <source>The check was cancelled. Press Check to verify the bundle.</source>
        <translation>检查已取消。点击“检查”重新校验离线包。</translation>
    </message>
</context>
<context>
    <name>ChangesView</name>
    <message>
        <source>Changes from the model's output</source>
        <translation>相对模型原始输出的修改</translation>
    </message>
</context>
<context>
    <name>CheckpointExportDialog</name>
    <message>
        <source>Export as Stable Diffusion checkpoint</source>
        <translation>导出为 Stable Diffusion 检查点</translation>
    </message>
    <message>
        <source>Where to write the .safetensors file</source>
        <translation>.safetensors 文件的保存位置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>LoRA merged in</source>
        <translation>合并的 LoRA</translation>
    </message>
    <message>
        <source>LoRA strength</source>
        <translation>LoRA 强度</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>One file in the original Stable Diffusion layout, for A1111 and ComfyUI. It is imported back and must draw the same picture for a fixed seed before it is kept.</source>
        <translation>原始 Stable Diffusion 布局的单个文件，供 A1111 和 ComfyUI 使用。保存前会重新导入，并且在固定种子下必须生成相同的图片。</translation>
    </message>
    <message>
        <source>Safetensors files (*.safetensors)</source>
        <translation>Safetensors 文件 (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose where to write the .safetensors file.</source>
        <translation>请选择 .safetensors 文件的保存位置。</translation>
    </message>
</context>
<context>
    <name>CleanDialog</name>
    <message>
        <source>Clean %1</source>
        <translation>清洗 %1</translation>
    </message>
    <message>
        <source>Clean</source>
        <translation>清洗</translation>
    </message>
    <message>
        <source>Exact duplicates</source>
        <translation>完全重复的记录</translation>
    </message>
    <message>
        <source>Near duplicates, similarity at least</source>
        <translation>近似重复的记录，相似度不低于</translation>
    </message>
    <message>
        <source>Records with no answer or caption</source>
        <translation>没有回答或图片描述的记录</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Hide them (replace with a placeholder)</source>
        <translation>隐藏（替换为占位符）</translation>
    </message>
    <message>
        <source>Remove the record</source>
        <translation>移除该记录</translation>
    </message>
    <message>
        <source>Only count them</source>
        <translation>仅统计</translation>
    </message>
    <message>
        <source>Leave them</source>
        <translation>不处理</translation>
    </message>
    <message>
        <source>Separated by commas; records with one are removed</source>
        <translation>用逗号分隔；含其中任一词的记录将被移除</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Remove records</source>
        <translation>移除记录</translation>
    </message>
    <message>
        <source>Length (characters)</source>
        <translation>长度（字符）</translation>
    </message>
    <message>
        <source>Phone numbers, e-mails, ID numbers</source>
        <translation>电话、邮箱、证件号</translation>
    </message>
    <message>
        <source>Banned words</source>
        <translation>违禁词</translation>
    </message>
    <message>
        <source>Nothing is deleted: removed records are marked rejected with the rule's tag, and the previous version keeps everything.</source>
        <translation>不会删除任何内容：被移除的记录标记为已拒绝并加上规则标签，上一版本保留全部记录。</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空内容</translation>
    </message>
    <message>
        <source>length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>banned words</source>
        <translation>违禁词</translation>
    </message>
    <message>
        <source>personal data</source>
        <translation>个人信息</translation>
    </message>
    <message>
        <source>exact duplicates</source>
        <translation>完全重复</translation>
    </message>
    <message>
        <source>near duplicates</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Of %1 record(s): %2 removed, %3 kept.</source>
        <translation>共 %1 条记录：移除 %2 条，保留 %3 条。</translation>
    </message>
    <message>
        <source>Removed by rule: %1.</source>
        <translation>按规则移除：%1。</translation>
    </message>
    <message>
        <source>%1 record(s) contain personal data.</source>
        <translation>%1 条记录含有个人信息。</translation>
    </message>
    <message>
        <source>%1 record(s) will have it hidden.</source>
        <translation>其中 %1 条记录的个人信息将被隐藏。</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare runs</source>
        <translation>对比训练记录</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Solid: training loss (smoothed). Dashed: validation loss.</source>
        <translation>实线：训练损失（平滑）。虚线：验证损失。</translation>
    </message>
    <message>
        <source>%1 (validation)</source>
        <translation>%1（验证）</translation>
    </message>
</context>
<context>
    <name>ConfigTools</name>
    <message>
        <source>Save config…</source>
        <translation>保存配置…</translation>
    </message>
    <message>
        <source>Save these settings as a JSON file to start the same run later</source>
        <translation>将这些设置保存为 JSON 文件，以后可启动同样的训练</translation>
    </message>
    <message>
        <source>Load config…</source>
        <translation>载入配置…</translation>
    </message>
    <message>
        <source>Fill the form from a saved config or a run's config.json</source>
        <translation>用保存的配置或训练记录的 config.json 填写表单</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>The aigc train command that starts this run from a terminal</source>
        <translation>在终端中启动同样训练的 aigc train 命令</translation>
    </message>
    <message>
        <source>Copy command</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <source>Pick a model and a dataset first.</source>
        <translation>请先选择模型和数据集。</translation>
    </message>
    <message>
        <source>Save training config</source>
        <translation>保存训练配置</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>Load training config</source>
        <translation>载入训练配置</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON 文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Loaded.</source>
        <translation>已载入。</translation>
    </message>
    <message>
        <source>Not in this workspace: %1</source>
        <translation>本工作区中没有：%1</translation>
    </message>
    <message>
        <source>Also used from the file: %1</source>
        <translation>同时沿用文件中的：%1</translation>
    </message>
    <message>
        <source>Not on the command line (use a saved config): %1</source>
        <translation>命令行无法设置（请使用保存的配置）：%1</translation>
    </message>
</context>
<context>
    <name>DatasetsPage</name>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Import a file or folder (Ctrl+I)</source>
        <translation>导入文件或文件夹 (Ctrl+I)</translation>
    </message>
    <message>
        <source>No datasets yet</source>
        <translation>还没有数据集</translation>
    </message>
    <message>
        <source>Import the examples you already have: a spreadsheet, a JSON Lines file, a text file or a folder of images.</source>
        <translation>导入您已有的样本：表格、JSON Lines 文件、文本文件或图片文件夹。</translation>
    </message>
    <message>
        <source>Import a dataset</source>
        <translation>导入数据集</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>未审阅</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Accept (A)</source>
        <translation>接受 (A)</translation>
    </message>
    <message>
        <source>Reject (R)</source>
        <translation>驳回 (R)</translation>
    </message>
    <message>
        <source>Tag… (T)</source>
        <translation>标签… (T)</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Augment…</source>
        <translation>扩充…</translation>
    </message>
    <message>
        <source>Add reworded copies of the training examples (text datasets)</source>
        <translation>为训练样本添加改写后的副本（仅限文本数据集）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>History</source>
        <translation>版本历史</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>v%1 · %2 examples · %3</source>
        <translation>v%1 · %2 条样本 · %3</translation>
    </message>
    <message>
        <source>Version %1 · %2 examples</source>
        <translation>版本 %1 · %2 条样本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>图片描述</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>%1 shown of %2 matching</source>
        <translation>已显示 %1 / 共 %2 条匹配</translation>
    </message>
    <message>
        <source>(draft)</source>
        <translation>（草稿）</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>Mark unreviewed</source>
        <translation>标为未审阅</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <source>Export dataset</source>
        <translation>导出数据集</translation>
    </message>
    <message>
        <source>Split made no new version of %1: with %2 record(s), the validation and test shares give %3 validation and %4 test record(s), so no record changes its split. Add records or raise the shares.</source>
        <translation>拆分未生成 %1 的新版本：共 %2 条记录，按验证集和测试集比例得到 %3 条验证记录和 %4 条测试记录，没有记录需要改变所属拆分。请增加记录或提高比例。</translation>
    </message>
    <message>
        <source>Clean…</source>
        <translation>清洗…</translation>
    </message>
    <message>
        <source>Split…</source>
        <translation>划分…</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试集</translation>
    </message>
</context>
<context>
    <name>DraftControl</name>
    <message>
        <source>Seal the review edits as one version with a message (Ctrl+S)</source>
        <translation>将审阅修改连同说明保存为一个版本（Ctrl+S）</translation>
    </message>
    <message>
        <source>Commit edits (%1)</source>
        <translation>提交修改（%1）</translation>
    </message>
    <message>
        <source>Commit edits</source>
        <translation>提交修改</translation>
    </message>
    <message>
        <source>What did this review change? (%1 edit(s) in dataset '%2')</source>
        <translation>本次审阅改了什么？（数据集“%2”中有 %1 处修改）</translation>
    </message>
    <message>
        <source>Reviewed %1 edit(s)</source>
        <translation>审阅了 %1 处修改</translation>
    </message>
    <message>
        <source>Uncommitted edits</source>
        <translation>未提交的修改</translation>
    </message>
    <message>
        <source>Dataset '%1' has %2 uncommitted edit(s). Commit them as one version now?</source>
        <translation>数据集“%1”有 %2 处未提交的修改。现在将它们提交为一个版本吗？</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Keep as draft</source>
        <translation>保留为草稿</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <source>Nothing was changed. Fix the cause above and try again.</source>
        <translation>未做任何更改。请修正上述问题后重试。</translation>
    </message>
</context>
<context>
    <name>EvalPanel</name>
    <message>
        <source>Evaluation</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>Evaluate the base model alone, or the base model and this adapter on the test split</source>
        <translation>在测试集上单独评测基础模型，或同时评测基础模型与此适配器</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Macro-F1 [95% CI]</source>
        <translation>宏平均 F1 [95% 置信区间]</translation>
    </message>
    <message>
        <source>Accuracy [95% CI]</source>
        <translation>准确率 [95% 置信区间]</translation>
    </message>
    <message>
        <source>Calibration error</source>
        <translation>校准误差</translation>
    </message>
    <message>
        <source>Evaluated</source>
        <translation>评测时间</translation>
    </message>
    <message>
        <source>(base model only)</source>
        <translation>（仅基础模型）</translation>
    </message>
    <message>
        <source>Link a dataset with a test split to evaluate the task</source>
        <translation>请关联一个带测试集划分的数据集后再评测该任务</translation>
    </message>
    <message>
        <source>Starting the evaluation…</source>
        <translation>正在启动评测…</translation>
    </message>
    <message>
        <source>No evaluations yet: Evaluate scores the task on its test split.</source>
        <translation>尚无评测：点击“评测”在测试集上为该任务打分。</translation>
    </message>
    <message>
        <source>%1 version %2, %3 split</source>
        <translation>%1 第 %2 版，%3 划分</translation>
    </message>
    <message>
        <source>The newest evaluated system</source>
        <translation>最新评测的系统</translation>
    </message>
    <message>
        <source>Confusion matrix of %1 (rows: true label, columns: predicted)</source>
        <translation>%1 的混淆矩阵（行：真实标签，列：预测标签）</translation>
    </message>
    <message>
        <source>Per-label scores of %1</source>
        <translation>%1 的各标签得分</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>%1 (base model)</source>
        <translation>%1（基础模型）</translation>
    </message>
    <message>
        <source>label likelihood</source>
        <translation>标签似然</translation>
    </message>
    <message>
        <source>free generation</source>
        <translation>自由生成</translation>
    </message>
    <message>
        <source>classification head</source>
        <translation>分类头</translation>
    </message>
    <message>
        <source>generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
</context>
<context>
    <name>GGUFExportDialog</name>
    <message>
        <source>Export as GGUF</source>
        <translation>导出为 GGUF</translation>
    </message>
    <message>
        <source>f16: exact, half the size of fp32</source>
        <translation>f16：精确，大小为 fp32 的一半</translation>
    </message>
    <message>
        <source>q8_0: about half of f16, nearly exact</source>
        <translation>q8_0：约为 f16 的一半，几乎无损</translation>
    </message>
    <message>
        <source>q6_k: llama.cpp k-quant, close to q8_0</source>
        <translation>q6_k：llama.cpp k 量化，接近 q8_0</translation>
    </message>
    <message>
        <source>q5_k_m: llama.cpp k-quant</source>
        <translation>q5_k_m：llama.cpp k 量化</translation>
    </message>
    <message>
        <source>q4_k_m: llama.cpp k-quant, the usual choice for laptops</source>
        <translation>q4_k_m：llama.cpp k 量化，笔记本电脑的常用选择</translation>
    </message>
    <message>
        <source>q4_0: about a quarter of f16, least exact</source>
        <translation>q4_0：约为 f16 的四分之一，精度最低</translation>
    </message>
    <message>
        <source>Only the adapter (a GGUF LoRA file, used on top of the base's GGUF)</source>
        <translation>仅导出适配器（GGUF LoRA 文件，叠加在基础模型的 GGUF 上使用）</translation>
    </message>
    <message>
        <source>Where to write the .gguf file</source>
        <translation>.gguf 文件的保存位置</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>The file is checked in llama.cpp against this model before it is kept.</source>
        <translation>文件保留前，会在 llama.cpp 中与本模型对照检查。</translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation>GGUF 文件 (*.gguf)</translation>
    </message>
    <message>
        <source>Choose where to write the .gguf file.</source>
        <translation>请选择 .gguf 文件的保存位置。</translation>
    </message>
</context>
<context>
    <name>GenerationPage</name>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message numerus="yes">
        <source>%n output(s) sent to review</source>
        <translation><numerusform>已将 %n 条输出送审</numerusform></translation>
    </message>
</context>
<context>
    <name>GenerationRules</name>
    <message>
        <source>%1 characters</source>
        <translation>%1 个字符</translation>
    </message>
    <message>
        <source>%1 words</source>
        <translation>%1 个词</translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation>至少 %1</translation>
    </message>
    <message>
        <source>at most %1</source>
        <translation>至多 %1</translation>
    </message>
    <message>
        <source>too short</source>
        <translation>过短</translation>
    </message>
    <message>
        <source>too long</source>
        <translation>过长</translation>
    </message>
    <message>
        <source>too few words</source>
        <translation>词数过少</translation>
    </message>
    <message>
        <source>too many words</source>
        <translation>词数过多</translation>
    </message>
    <message>
        <source>missing a required term</source>
        <translation>缺少必须包含的词</translation>
    </message>
    <message>
        <source>has a banned term</source>
        <translation>含有不得包含的词</translation>
    </message>
    <message>
        <source>does not match the pattern</source>
        <translation>不符合格式要求</translation>
    </message>
    <message>
        <source>wrong language</source>
        <translation>语言不符</translation>
    </message>
</context>
<context>
    <name>ImagePanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Adapter strength</source>
        <translation>适配器强度</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Native</source>
        <translation>原生</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Keep the same seed so results can be reproduced and compared</source>
        <translation>保持相同的种子，以便复现和对比结果</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批量</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Describe the image, e.g. product poster, a blue handbag on a red background</source>
        <translation>描述画面，例如：产品海报，红色背景上的蓝色手提包</translation>
    </message>
    <message>
        <source>Negative prompt: what to avoid (blurry, text, watermark)</source>
        <translation>反向提示词：需要避免的内容（模糊、文字、水印）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Select an image to see which model, adapter, seed and settings made it.</source>
        <translation>选择一张图片，查看生成它的模型、适配器、种子和参数。</translation>
    </message>
    <message>
        <source>Send to review</source>
        <translation>送审</translation>
    </message>
    <message>
        <source>Queue the selected images in the Review tab with their provenance</source>
        <translation>将选中的图片连同来源信息加入“审核”队列</translation>
    </message>
    <message>
        <source>Write a prompt and pick a model first.</source>
        <translation>请先填写提示词并选择模型。</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>Seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>guidance %1</source>
        <translation>引导强度 %1</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Prompt: %1</source>
        <translation>提示词：%1</translation>
    </message>
    <message>
        <source>Avoid: %1</source>
        <translation>避免：%1</translation>
    </message>
    <message>
        <source>Done: the images are in the gallery.</source>
        <translation>完成：图片已加入图库。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <source>None (base model)</source>
        <translation>无（基础模型）</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新在前</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早在前</translation>
    </message>
    <message>
        <source>By seed</source>
        <translation>按随机种子</translation>
    </message>
    <message>
        <source>Order of the gallery</source>
        <translation>图库排序</translation>
    </message>
    <message>
        <source>View the image full size (or double-click it)</source>
        <translation>查看原尺寸图像（或双击图像）</translation>
    </message>
    <message>
        <source>Copy the image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Save the image to a file</source>
        <translation>将图像保存到文件</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>%1 s/image</source>
        <translation>%1 秒/张</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>缩小（-）</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>放大（+）</translation>
    </message>
    <message>
        <source>Fit the picture to the pane</source>
        <translation>按窗格大小显示图片</translation>
    </message>
    <message>
        <source>Show the picture at its own size</source>
        <translation>按图片原始大小显示</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import a dataset</source>
        <translation>导入数据集</translation>
    </message>
    <message>
        <source>A .jsonl, .json, .csv, .tsv, .xlsx or .txt file, or a folder of images</source>
        <translation>.jsonl、.json、.csv、.tsv、.xlsx 或 .txt 文件，或一个图片文件夹</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>e.g. ad-copy-2026</source>
        <translation>例如 ad-copy-2026</translation>
    </message>
    <message>
        <source>detect</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Dataset name</source>
        <translation>数据集名称</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Choose a file to see what will be imported.</source>
        <translation>选择文件后，这里会显示将要导入的内容。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Column mapping</source>
        <translation>列映射</translation>
    </message>
    <message>
        <source>First rows</source>
        <translation>前几行</translation>
    </message>
    <message>
        <source>Choose a file to import</source>
        <translation>选择要导入的文件</translation>
    </message>
    <message>
        <source>Data files (*.jsonl *.json *.csv *.tsv *.xlsx *.txt);;All files (*)</source>
        <translation>数据文件 (*.jsonl *.json *.csv *.tsv *.xlsx *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a folder of images</source>
        <translation>选择图片文件夹</translation>
    </message>
    <message>
        <source>Reading the first rows…</source>
        <translation>正在读取前几行…</translation>
    </message>
    <message>
        <source>Format: %1</source>
        <translation>格式：%1</translation>
    </message>
    <message>
        <source>Encoding: %1</source>
        <translation>编码：%1</translation>
    </message>
    <message>
        <source>Content: %1</source>
        <translation>内容：%1</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Give the dataset a name.</source>
        <translation>请为数据集命名。</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Image file</source>
        <translation>图片文件</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>图片描述</translation>
    </message>
    <message>
        <source>Skip bad rows</source>
        <translation>跳过有问题的行</translation>
    </message>
    <message>
        <source>Leave out rows that cannot be imported (a corrupt image, an empty field) and import the rest; the job lists what it left out</source>
        <translation>略过无法导入的行（损坏的图片、空字段），导入其余部分；作业会列出略过了哪些</translation>
    </message>
    <message numerus="yes">
        <source>%n of the first rows cannot be imported (marked below); they will be left out.</source>
        <translation><numerusform>前几行中有 %n 行无法导入（已在下方标出），导入时将略过。</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n of the first rows cannot be imported (marked below): fix them, or turn on “Skip bad rows” to leave them out.</source>
        <translation><numerusform>前几行中有 %n 行无法导入（已在下方标出）：请修正，或勾选“跳过有问题的行”将其略过。</numerusform></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动识别</translation>
    </message>
</context>
<context>
    <name>JobRow</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this job (it can be resumed if it supports it)</source>
        <translation>停止此作业（支持续跑的作业之后可继续）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>JobTitles</name>
    <message>
        <source>Import dataset</source>
        <translation>导入数据集</translation>
    </message>
    <message>
        <source>Export dataset</source>
        <translation>导出数据集</translation>
    </message>
    <message>
        <source>Clean dataset</source>
        <translation>清洗数据集</translation>
    </message>
    <message>
        <source>Split dataset</source>
        <translation>划分数据集</translation>
    </message>
    <message>
        <source>Augment dataset</source>
        <translation>扩充数据集</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>扩充</translation>
    </message>
    <message>
        <source>Load sample content</source>
        <translation>载入示例内容</translation>
    </message>
    <message>
        <source>Import model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Train text model</source>
        <translation>训练文本模型</translation>
    </message>
    <message>
        <source>Train image LoRA</source>
        <translation>训练图像 LoRA</translation>
    </message>
    <message>
        <source>Generate text</source>
        <translation>生成文本</translation>
    </message>
    <message>
        <source>Generate images</source>
        <translation>生成图像</translation>
    </message>
    <message>
        <source>Run task</source>
        <translation>运行任务</translation>
    </message>
    <message>
        <source>Evaluate task</source>
        <translation>评估任务</translation>
    </message>
    <message>
        <source>Export bundle</source>
        <translation>导出离线包</translation>
    </message>
    <message>
        <source>Import bundle</source>
        <translation>导入离线包</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Check bundle</source>
        <translation>检查离线包</translation>
    </message>
    <message>
        <source>Verify model</source>
        <translation>校验模型</translation>
    </message>
    <message>
        <source>Export reviewed outputs</source>
        <translation>导出审核结果</translation>
    </message>
    <message>
        <source>Train a classification head</source>
        <translation>训练分类头</translation>
    </message>
    <message>
        <source>Compression report</source>
        <translation>压缩报告</translation>
    </message>
    <message>
        <source>Import %1 as %2</source>
        <translation>导入 %1 为 %2</translation>
    </message>
    <message>
        <source>Export %1 as %2</source>
        <translation>导出 %1 为 %2</translation>
    </message>
    <message>
        <source>Train a head for %1</source>
        <translation>为 %1 训练分类头</translation>
    </message>
    <message>
        <source>Clean %1</source>
        <translation>清洗 %1</translation>
    </message>
    <message>
        <source>Split %1</source>
        <translation>划分 %1</translation>
    </message>
    <message>
        <source>Augment %1</source>
        <translation>扩充 %1</translation>
    </message>
    <message>
        <source>Resume %1</source>
        <translation>继续训练 %1</translation>
    </message>
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>No jobs yet. Imports, training runs and generations appear here.</source>
        <translation>暂无作业。导入、训练和生成作业会显示在这里。</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>LR</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>training loss (smoothed)</source>
        <translation>训练损失（平滑）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>AIGC Workbench</source>
        <translation>AIGC 工作台</translation>
    </message>
    <message>
        <source>Offline content studio</source>
        <translation>离线内容创作平台</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Opening the workspace…</source>
        <translation>正在打开工作区…</translation>
    </message>
    <message>
        <source>The workspace could not be opened</source>
        <translation>无法打开工作区</translation>
    </message>
    <message>
        <source>Choose another folder in Settings (Ctrl+,).</source>
        <translation>请在设置中选择其他文件夹（Ctrl+,）。</translation>
    </message>
    <message>
        <source>Jobs are still running</source>
        <translation>仍有作业在运行</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) are still running. Stop them and quit? Training runs can be resumed from their last checkpoint next time.</source>
        <translation><numerusform>仍有 %n 个作业在运行。要停止它们并退出吗？训练下次可以从最近的检查点继续。</numerusform></translation>
    </message>
    <message>
        <source>Stopping jobs and closing the workspace…</source>
        <translation>正在停止作业并关闭工作区…</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>功能区</translation>
    </message>
    <message>
        <source>Workspace, device, language and theme (Ctrl+,)</source>
        <translation>工作区、设备、语言和主题（Ctrl+,）</translation>
    </message>
    <message>
        <source>Choose an empty folder for the new workspace</source>
        <translation>为新工作区选择一个空文件夹</translation>
    </message>
    <message>
        <source>Open a workspace folder</source>
        <translation>打开工作区文件夹</translation>
    </message>
    <message>
        <source>Restart to change the language</source>
        <translation>重启以切换语言</translation>
    </message>
    <message>
        <source>The new language is used after a restart. Restart AIGC Workbench now?</source>
        <translation>新的语言在重启后生效。现在重启 AIGC 工作台吗？</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open workspace…</source>
        <translation>打开工作区…</translation>
    </message>
    <message>
        <source>New workspace…</source>
        <translation>新建工作区…</translation>
    </message>
    <message>
        <source>Load sample content</source>
        <translation>载入示例内容</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Jobs panel</source>
        <translation>作业面板</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>About AIGC Workbench</source>
        <translation>关于 AIGC 工作台</translation>
    </message>
    <message>
        <source>Go to a tab</source>
        <translation>切换到对应页面</translation>
    </message>
    <message>
        <source>Show or hide the Jobs panel</source>
        <translation>显示或隐藏作业面板</translation>
    </message>
    <message>
        <source>Open a workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Stop the job of this tab</source>
        <translation>停止本页正在运行的作业</translation>
    </message>
    <message>
        <source>Datasets: import a file</source>
        <translation>数据集：导入文件</translation>
    </message>
    <message>
        <source>Datasets: accept, reject, mark unreviewed, tag the selected records</source>
        <translation>数据集：接受、驳回、标为未审核、给所选记录加标签</translation>
    </message>
    <message>
        <source>Datasets: commit the review edits · Tasks: save the task</source>
        <translation>数据集：提交审核修改 · 任务：保存任务</translation>
    </message>
    <message>
        <source>Generation: generate · Review: approve</source>
        <translation>生成：开始生成 · 审核：通过</translation>
    </message>
    <message>
        <source>Review: reject</source>
        <translation>审核：驳回</translation>
    </message>
    <message>
        <source>Review: previous / next output</source>
        <translation>审核：上一条 / 下一条输出</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
</context>
<context>
    <name>ModelDetails</name>
    <message>
        <source>Size on disk</source>
        <translation>占用空间</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Use in Generation</source>
        <translation>用于生成</translation>
    </message>
    <message>
        <source>Use in Training</source>
        <translation>用于训练</translation>
    </message>
    <message>
        <source>A base model is trained on; an adapter is trained further</source>
        <translation>基础模型将被训练；适配器将继续训练</translation>
    </message>
    <message>
        <source>%1 in %2 files</source>
        <translation>%1，共 %2 个文件</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 词元</translation>
    </message>
    <message>
        <source>Not stated (check with the supplier)</source>
        <translation>未注明（请向提供方确认）</translation>
    </message>
    <message>
        <source>Rename model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
</context>
<context>
    <name>ModelImportDialog</name>
    <message>
        <source>Import a model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>Text model</source>
        <translation>文本模型</translation>
    </message>
    <message>
        <source>Image model</source>
        <translation>图像模型</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Press Check to verify the files before anything is imported.</source>
        <translation>点击“检查”，在导入前先校验文件。</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Choose a checkpoint</source>
        <translation>选择权重文件</translation>
    </message>
    <message>
        <source>Checking the files…</source>
        <translation>正在检查文件…</translation>
    </message>
    <message>
        <source>The files passed verification.</source>
        <translation>文件已通过校验。</translation>
    </message>
    <message>
        <source>A model folder, a single .safetensors checkpoint or a .gguf file</source>
        <translation>模型文件夹、单个 .safetensors 权重文件或 .gguf 文件</translation>
    </message>
    <message>
        <source>Make it trainable: dequantize the GGUF file into a new PyTorch model</source>
        <translation>设为可训练：将 GGUF 文件反量化为新的 PyTorch 模型</translation>
    </message>
    <message>
        <source>A GGUF model generates through llama.cpp; to fine-tune it, the Workbench converts it into a new model that remembers the file</source>
        <translation>GGUF 模型通过 llama.cpp 生成；若要微调，工作台会将其转换为一个记录原文件来源的新模型</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Import model…</source>
        <translation>导入模型…</translation>
    </message>
    <message>
        <source>Import bundle…</source>
        <translation>导入离线包…</translation>
    </message>
    <message>
        <source>Models, adapters, datasets and tasks from another machine, verified before anything is added</source>
        <translation>来自另一台机器的模型、适配器、数据集和任务，添加前先逐一校验</translation>
    </message>
    <message>
        <source>Export bundle…</source>
        <translation>导出离线包…</translation>
    </message>
    <message>
        <source>One .zip with fingerprints, for a USB stick</source>
        <translation>一个带指纹校验的 .zip，可拷到U盘</translation>
    </message>
    <message>
        <source>No models yet</source>
        <translation>还没有模型</translation>
    </message>
    <message>
        <source>Import a model folder from a USB stick, or load the starter models with the sample content.</source>
        <translation>从 U 盘导入模型文件夹，或随示例内容加载入门模型。</translation>
    </message>
    <message>
        <source>Import a model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Trained on</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <source>Verify files</source>
        <translation>校验文件</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>starter</source>
        <translation>入门</translation>
    </message>
    <message>
        <source>fingerprint %1</source>
        <translation>指纹 %1</translation>
    </message>
    <message>
        <source>Adapter of %1</source>
        <translation>%1 的适配器</translation>
    </message>
    <message>
        <source>trained on %1 version %2</source>
        <translation>基于 %1 第 %2 版训练</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>来自 %1</translation>
    </message>
    <message>
        <source>Starter model: small and quick, for trying the workflow; import your own model for real work.</source>
        <translation>入门模型：小而快，用于体验整个流程；正式工作请导入你自己的模型。</translation>
    </message>
    <message>
        <source>Verifying %1…</source>
        <translation>正在校验 %1…</translation>
    </message>
    <message>
        <source>%1: every file matches its fingerprint.</source>
        <translation>%1：所有文件与指纹一致。</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Remove %1 from this workspace?</source>
        <translation>要从此工作区删除 %1 吗？</translation>
    </message>
    <message>
        <source>Text adapter</source>
        <translation>文本适配器</translation>
    </message>
    <message>
        <source>Text base model</source>
        <translation>文本基础模型</translation>
    </message>
    <message>
        <source>Image adapter</source>
        <translation>图像适配器</translation>
    </message>
    <message>
        <source>Image base model</source>
        <translation>图像基础模型</translation>
    </message>
    <message>
        <source>Load sample content</source>
        <translation>载入示例内容</translation>
    </message>
    <message>
        <source>Starter models, example datasets and tasks</source>
        <translation>入门模型、示例数据集和任务</translation>
    </message>
    <message>
        <source>Export as GGUF…</source>
        <translation>导出为 GGUF…</translation>
    </message>
    <message>
        <source>A file for llama.cpp, LM Studio or Ollama, with a choice of quantization; an adapter merged in or on its own</source>
        <translation>供 llama.cpp、LM Studio 或 Ollama 使用的文件，可选量化方式；适配器可合并进模型，也可单独导出</translation>
    </message>
    <message>
        <source>GGUF for llama.cpp · %1 · %2 · context %3 tokens</source>
        <translation>llama.cpp 用 GGUF · %1 · %2 · 上下文 %3 词元</translation>
    </message>
    <message>
        <source>Verification of %1 was cancelled; nothing was changed.</source>
        <translation>%1 的校验已取消，未做任何更改。</translation>
    </message>
    <message>
        <source>Verification of %1 did not finish: %2</source>
        <translation>%1 的校验未完成：%2</translation>
    </message>
    <message>
        <source>Export as checkpoint…</source>
        <translation>导出为检查点…</translation>
    </message>
    <message>
        <source>One Stable Diffusion .safetensors file for A1111 or ComfyUI; a LoRA merged in</source>
        <translation>供 A1111 或 ComfyUI 使用的单个 Stable Diffusion .safetensors 文件；可合并一个 LoRA</translation>
    </message>
</context>
<context>
    <name>MonitorPage</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>No runs yet</source>
        <translation>尚无运行</translation>
    </message>
    <message>
        <source>Run the task on a file of inputs (Tasks tab) and its numbers appear here.</source>
        <translation>在“任务”页用输入文件运行任务后，这里会显示各项指标。</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Seconds per item</source>
        <translation>每条耗时（秒）</translation>
    </message>
    <message>
        <source>Items per minute</source>
        <translation>每分钟条目数</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>错误率</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>%1 run(s); alert thresholds: %2</source>
        <translation>共 %1 次运行；告警阈值：%2</translation>
    </message>
    <message>
        <source>none set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>第 %1 次运行：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) need attention</source>
        <translation><numerusform>%n 次运行需要关注</numerusform></translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>Approval rate (%)</source>
        <translation>审核通过率（%）</translation>
    </message>
    <message>
        <source>Error rate (%)</source>
        <translation>错误率（%）</translation>
    </message>
    <message>
        <source>Red dots: runs outside the task's alert thresholds</source>
        <translation>红点：超出任务告警阈值的运行</translation>
    </message>
    <message>
        <source>A trend chart appears after %1 runs (%2 so far).</source>
        <translation>运行满 %1 次后显示趋势图（目前 %2 次）。</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>accuracy %1%, F1 %2</source>
        <translation>准确率 %1%，F1 %2</translation>
    </message>
    <message>
        <source>%1% approved</source>
        <translation>通过率 %1%</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未审核</translation>
    </message>
    <message>
        <source>%1 output(s) reviewed</source>
        <translation>已审核 %1 条输出</translation>
    </message>
    <message>
        <source>pass rate</source>
        <translation>通过率</translation>
    </message>
    <message>
        <source>error rate</source>
        <translation>错误率</translation>
    </message>
    <message>
        <source>retry rate</source>
        <translation>重试率</translation>
    </message>
    <message>
        <source>mean confidence</source>
        <translation>平均置信度</translation>
    </message>
    <message>
        <source>seconds per item</source>
        <translation>每条耗时</translation>
    </message>
    <message>
        <source>approval rate</source>
        <translation>审核通过率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>Opening the workspace…</source>
        <translation>正在打开工作区…</translation>
    </message>
    <message>
        <source>This takes a moment the first time.</source>
        <translation>首次打开需要稍等片刻。</translation>
    </message>
    <message>
        <source>Not available in this build</source>
        <translation>此版本暂不提供</translation>
    </message>
    <message>
        <source>This part of the workbench is not installed. Update AIGC Workbench to use it.</source>
        <translation>工作台的这一部分尚未安装。请更新 AIGC 工作台后使用。</translation>
    </message>
</context>
<context>
    <name>PresetBar</name>
    <message>
        <source>Saved prompts and settings of this workspace</source>
        <translation>本工作区保存的提示词和设置</translation>
    </message>
    <message>
        <source>Save the prompt and settings as a preset</source>
        <translation>将提示词和设置保存为预设</translation>
    </message>
    <message>
        <source>Delete the chosen preset</source>
        <translation>删除所选预设</translation>
    </message>
    <message>
        <source>Presets…</source>
        <translation>预设…</translation>
    </message>
    <message>
        <source>No saved presets</source>
        <translation>没有已保存的预设</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <source>Preset name:</source>
        <translation>预设名称：</translation>
    </message>
</context>
<context>
    <name>RecordDetail</name>
    <message>
        <source>No record selected</source>
        <translation>未选择记录</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <source>Save the edited fields into the dataset's draft (Ctrl+S)</source>
        <translation>将修改的字段保存到数据集的草稿中（Ctrl+S）</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>图片描述</translation>
    </message>
    <message>
        <source>Record #%1</source>
        <translation>记录 #%1</translation>
    </message>
    <message>
        <source>Label: %1</source>
        <translation>标注：%1</translation>
    </message>
    <message>
        <source>Tags: %1</source>
        <translation>标签：%1</translation>
    </message>
    <message>
        <source>Split: %1</source>
        <translation>划分：%1</translation>
    </message>
</context>
<context>
    <name>RecordEdits</name>
    <message>
        <source>Add a tag</source>
        <translation>添加标签</translation>
    </message>
    <message numerus="yes">
        <source>Tag for %n record(s):</source>
        <translation><numerusform>为 %n 条记录添加标签：</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n edit(s) could not be saved and were taken back</source>
        <translation><numerusform>%n 处修改未能保存，已撤回</numerusform></translation>
    </message>
</context>
<context>
    <name>RecordFilters</name>
    <message>
        <source>Search text…</source>
        <translation>搜索文本…</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>未审阅</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Any split</source>
        <translation>全部划分</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Export approved…</source>
        <translation>导出已通过…</translation>
    </message>
    <message>
        <source>Add approved to dataset</source>
        <translation>将已通过内容加入数据集</translation>
    </message>
    <message>
        <source>Approved and edited outputs become new training examples of the task's dataset</source>
        <translation>已通过和修改过的结果会成为该任务数据集的新训练样本</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Nothing to review</source>
        <translation>没有待审核的内容</translation>
    </message>
    <message>
        <source>Run a task on a batch of inputs (Tasks tab) and its outputs queue up here for approval.</source>
        <translation>在“任务”页对一批输入运行任务，结果会在这里排队等待审核。</translation>
    </message>
    <message>
        <source>The output; edit it to correct it before approving.</source>
        <translation>生成结果；可先修改再通过。</translation>
    </message>
    <message>
        <source>Comment (optional), e.g. too long, wrong tone</source>
        <translation>备注（可选），例如：太长、语气不对</translation>
    </message>
    <message>
        <source>Approve (Ctrl+Enter)</source>
        <translation>通过 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Reject (Ctrl+R)</source>
        <translation>驳回 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>全部任务</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Passes the task's checks</source>
        <translation>符合任务的检查规则</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Adapter: %1</source>
        <translation>适配器：%1</translation>
    </message>
    <message>
        <source>Seed: %1</source>
        <translation>种子：%1</translation>
    </message>
    <message>
        <source>Run: %1</source>
        <translation>批次：%1</translation>
    </message>
    <message>
        <source>Sent from Generation</source>
        <translation>来自“生成”页</translation>
    </message>
    <message>
        <source>Reviewed by %1</source>
        <translation>审核人 %1</translation>
    </message>
    <message>
        <source>Export approved outputs</source>
        <translation>导出已通过的结果</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Loading the image…</source>
        <translation>正在载入图片…</translation>
    </message>
    <message>
        <source>The image file cannot be read.</source>
        <translation>无法读取该图片文件。</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) could not be saved</source>
        <translation><numerusform>%n 条审核结果未能保存</numerusform></translation>
    </message>
    <message>
        <source>Add approved to dataset of “%1”</source>
        <translation>将已通过的输出加入“%1”的数据集</translation>
    </message>
    <message>
        <source>Approved and edited outputs of task “%1” become new training examples of its dataset</source>
        <translation>任务“%1”中已通过和已编辑的输出将成为其数据集的新训练样本</translation>
    </message>
    <message>
        <source>Choose a task first: outputs sent from Generation without a task have no dataset to go to</source>
        <translation>请先选择任务：从生成页发送且未指定任务的输出没有可加入的数据集</translation>
    </message>
    <message>
        <source>Choose a task in the Task list: outputs sent from Generation without a task have no dataset to go to.</source>
        <translation>请在“任务”列表中选择一个任务：从生成页发送且未指定任务的输出没有可加入的数据集。</translation>
    </message>
    <message>
        <source>%1 example(s) added to “%2” (version %3)</source>
        <translation>已向“%2”添加 %1 条样本（版本 %3）</translation>
    </message>
    <message>
        <source>Task “%1”: </source>
        <translation>任务“%1”：</translation>
    </message>
    <message>
        <source>%1 output(s) exported to %2</source>
        <translation>已将 %1 条输出导出到 %2</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Showing %1 of %2</source>
        <translation>显示 %1 / 共 %2 条</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已修改</translation>
    </message>
    <message numerus="yes">
        <source>Approve %n selected (Ctrl+Enter)</source>
        <translation><numerusform>通过所选 %n 条（Ctrl+Enter）</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>Reject %n selected (Ctrl+R)</source>
        <translation><numerusform>驳回所选 %n 条（Ctrl+R）</numerusform></translation>
    </message>
    <message>
        <source>Saving your decisions first…</source>
        <translation>正在先保存您的审核结果…</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>System: %1</source>
        <translation>系统：%1</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>用户：%1</translation>
    </message>
    <message>
        <source>Assistant: %1</source>
        <translation>助手：%1</translation>
    </message>
</context>
<context>
    <name>RunActions</name>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete the run's checkpoints and logs; its adapter stays in Models</source>
        <translation>删除该训练记录的检查点和日志；其适配器仍保留在“模型”中</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>对比…</translation>
    </message>
    <message>
        <source>Select several runs (Ctrl+click) to draw their loss curves together</source>
        <translation>选择多条训练记录（Ctrl+单击），在同一图中绘制其损失曲线</translation>
    </message>
    <message>
        <source>Stop the run before deleting it</source>
        <translation>请先停止训练再删除</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>重命名训练记录</translation>
    </message>
    <message>
        <source>Run name (empty: its id):</source>
        <translation>训练记录名称（留空则显示编号）：</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>删除训练记录</translation>
    </message>
    <message>
        <source>Delete run %1 with its checkpoints and logs? The adapter it trained stays in Models.</source>
        <translation>删除训练记录 %1 及其检查点和日志吗？它训练出的适配器仍保留在“模型”中。</translation>
    </message>
</context>
<context>
    <name>RunForm</name>
    <message>
        <source>New run</source>
        <translation>新建训练</translation>
    </message>
    <message>
        <source>LoRA adapter (recommended)</source>
        <translation>LoRA 适配器（推荐）</translation>
    </message>
    <message>
        <source>Full fine-tune (small models)</source>
        <translation>全参数微调（适合小模型）</translation>
    </message>
    <message>
        <source>Automatic (model name and run number)</source>
        <translation>自动（模型名加训练编号）</translation>
    </message>
    <message>
        <source>The name the trained adapter gets in Models</source>
        <translation>训练出的适配器在“模型”页中的名称</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Adapter name</source>
        <translation>适配器名称</translation>
    </message>
    <message>
        <source>Quick</source>
        <translation>快速</translation>
    </message>
    <message>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <source>Thorough</source>
        <translation>充分</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级设置</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>LoRA rank</source>
        <translation>LoRA 秩</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Max length (tokens)</source>
        <translation>最大长度（词元）</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation>检查点间隔（步）</translation>
    </message>
    <message>
        <source>Processes that train together with torchrun (one per GPU). On a computer without GPUs they share its cores, for testing.</source>
        <translation>用 torchrun 一起训练的进程数（每块 GPU 一个）。在没有 GPU 的电脑上，它们共用处理器核心，仅供测试。</translation>
    </message>
    <message>
        <source>Processes / GPUs</source>
        <translation>进程数 / GPU 数</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>Train for a number of optimizer steps, or of passes over the dataset</source>
        <translation>按优化步数训练，或按遍历数据集的轮数训练</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>训练时长</translation>
    </message>
    <message>
        <source>Train afresh</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Start from the base model alone instead</source>
        <translation>改为只从基础模型开始</translation>
    </message>
    <message>
        <source>Continues</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Adapter %1 (trained further)</source>
        <translation>适配器 %1（在其基础上继续训练）</translation>
    </message>
</context>
<context>
    <name>RunMonitor</name>
    <message>
        <source>No run selected</source>
        <translation>未选择训练</translation>
    </message>
    <message>
        <source>Start a run to see its loss curve here.</source>
        <translation>开始训练后，这里会显示损失曲线。</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Validation samples</source>
        <translation>验证样例</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>final loss %1</source>
        <translation>最终损失 %1</translation>
    </message>
    <message>
        <source>best validation loss %1</source>
        <translation>最佳验证损失 %1</translation>
    </message>
    <message>
        <source>No checkpoints yet</source>
        <translation>暂无检查点</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <source>steps/s</source>
        <translation>步/秒</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <source>Kept: the weights of step %1, the lowest validation loss (%2) of %3 evaluations.</source>
        <translation>保留：第 %1 步的权重，为 %3 次评估中最低的验证损失（%2）。</translation>
    </message>
    <message>
        <source>Kept: the last weights (step %1); the run had no validation examples to choose by.</source>
        <translation>保留：最后的权重（第 %1 步）；本次训练没有可用于挑选的验证样本。</translation>
    </message>
    <message>
        <source>Kept: the last weights (step %1), as asked.</source>
        <translation>保留：按设置使用最后的权重（第 %1 步）。</translation>
    </message>
    <message>
        <source>Validation loss never went below its first value (%1 at step %2), so the output is close to the base model. Try a higher learning rate or more examples, or check that the validation examples are like the training ones.</source>
        <translation>验证损失始终未低于首次评估的值（第 %2 步为 %1），因此输出与基础模型相差无几。请尝试提高学习率或增加样本，或检查验证样本是否与训练样本相似。</translation>
    </message>
    <message>
        <source>%1s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1m %2s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1h %2m</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Workspace folder</source>
        <translation>工作区文件夹</translation>
    </message>
    <message>
        <source>Automatic (GPU if present)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA GPU (CUDA)</translation>
    </message>
    <message>
        <source>Apple GPU (MPS)</source>
        <translation>Apple GPU (MPS)</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Choose the workspace folder</source>
        <translation>选择工作区文件夹</translation>
    </message>
    <message>
        <source>no lock file for %1</source>
        <translation>没有 %1 的锁定文件</translation>
    </message>
    <message>
        <source>matches the lock file %1 (%2 packages)</source>
        <translation>与锁定文件 %1 一致（%2 个包）</translation>
    </message>
    <message>
        <source>differs from the lock file %1: %2</source>
        <translation>与锁定文件 %1 不一致：%2</translation>
    </message>
    <message>
        <source>Reading library versions…</source>
        <translation>正在读取组件库版本…</translation>
    </message>
    <message>
        <source>Libraries</source>
        <translation>组件库</translation>
    </message>
    <message>
        <source>The device applies to jobs started from now on. A new language applies after a restart.</source>
        <translation>设备设置对之后启动的作业生效。新的语言在重启后生效。</translation>
    </message>
    <message>
        <source>Import only bundles signed by a trusted key</source>
        <translation>只导入由受信任密钥签名的离线包</translation>
    </message>
    <message>
        <source>Stored in this workspace. Trust a department's key with 'aigc keys trust FILE'.</source>
        <translation>保存在此工作区中。用 'aigc keys trust FILE' 信任某个部门的密钥。</translation>
    </message>
    <message>
        <source>Bundles</source>
        <translation>离线包</translation>
    </message>
    <message>
        <source>Automatic (llama.cpp on the CPU when faster)</source>
        <translation>自动（在 CPU 上更快时使用 llama.cpp）</translation>
    </message>
    <message>
        <source>llama.cpp (CPU)</source>
        <translation>llama.cpp（CPU）</translation>
    </message>
    <message>
        <source>PyTorch</source>
        <translation>PyTorch</translation>
    </message>
    <message>
        <source>Stored in this workspace. Applies to generation, task runs and evaluations.</source>
        <translation>保存在此工作区。用于生成、任务运行和评估。</translation>
    </message>
    <message>
        <source>Text generation</source>
        <translation>文本生成</translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split %1</source>
        <translation>划分 %1</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Keep near duplicates on the same side</source>
        <translation>近似重复的记录分在同一侧</translation>
    </message>
    <message>
        <source>So that no validation example has a paraphrase of itself in training</source>
        <translation>避免验证样本的改写版本出现在训练集中</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Test share</source>
        <translation>测试集比例</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Training %1 · validation %2 · test %3 (of %4 record(s)).</source>
        <translation>训练集 %1 · 验证集 %2 · 测试集 %3（共 %4 条记录）。</translation>
    </message>
    <message>
        <source>%1 record(s) change split; a new version is made.</source>
        <translation>%1 条记录将改变划分，会生成新版本。</translation>
    </message>
    <message>
        <source>No record changes split, so no new version would be made: add records or raise the shares.</source>
        <translation>没有记录会改变划分，因此不会生成新版本：请添加记录或提高比例。</translation>
    </message>
    <message>
        <source>%1 group(s) of near duplicates stay together.</source>
        <translation>%1 组近似重复样本会分在同一侧。</translation>
    </message>
    <message>
        <source>No record would be left for training. Lower the shares, or turn off keeping near duplicates together if most records are alike.</source>
        <translation>训练集将没有任何记录。请降低比例；如果大多数记录彼此相似，可取消“近似重复的记录分在同一侧”。</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Device: detecting…</source>
        <translation>设备：检测中…</translation>
    </message>
    <message>
        <source>Show the jobs panel (Ctrl+J)</source>
        <translation>显示作业面板（Ctrl+J）</translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation>工作区：%1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>Compute dtype %1, %2 threads</source>
        <translation>计算精度 %1，%2 个线程</translation>
    </message>
    <message>
        <source>Memory: %1 / %2 GiB · app %3 GiB</source>
        <translation>内存：%1 / %2 GiB · 本程序 %3 GiB</translation>
    </message>
    <message>
        <source>No jobs running</source>
        <translation>没有运行中的作业</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) running</source>
        <translation><numerusform>%n 个作业运行中</numerusform></translation>
    </message>
</context>
<context>
    <name>StepsEditor</name>
    <message>
        <source>Steps (composite task)</source>
        <translation>步骤（组合任务）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Add step</source>
        <translation>添加步骤</translation>
    </message>
    <message>
        <source>Remove step</source>
        <translation>删除步骤</translation>
    </message>
    <message>
        <source>A single-step task uses the template above. Steps run in order; a step can use an earlier one as {steps.NAME.output}.</source>
        <translation>单步任务使用上面的模板。各步骤按顺序执行；后面的步骤可用 {steps.NAME.output} 引用前一步的结果。</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>template only</source>
        <translation>仅模板</translation>
    </message>
</context>
<context>
    <name>Tabs</name>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>What each department needs done, and how to judge it</source>
        <translation>各部门要完成的内容任务，以及评判标准</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Examples imported from your files, cleaned, split and versioned</source>
        <translation>从您的文件导入的样本，经过清洗、划分并保留版本</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Fine-tune a text or image model on a dataset version</source>
        <translation>在某个数据集版本上微调文本或图像模型</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Write text and render images with a base model or a trained adapter</source>
        <translation>使用基础模型或训练好的适配器撰写文案、生成图像</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Approve, edit or reject outputs before they are used</source>
        <translation>在使用前通过、修改或驳回生成结果</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Base models and trained adapters on this machine</source>
        <translation>本机上的基础模型和已训练的适配器</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>监控</translation>
    </message>
    <message>
        <source>How each task's runs go over time</source>
        <translation>各任务的运行情况随时间的变化</translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message>
        <source>Archived %1</source>
        <translation>已归档 %1</translation>
    </message>
    <message>
        <source>Restored %1</source>
        <translation>已恢复 %1</translation>
    </message>
    <message>
        <source>Inputs for %1</source>
        <translation>%1 的输入</translation>
    </message>
    <message>
        <source>Tables (*.csv *.xlsx *.jsonl);;All files (*)</source>
        <translation>表格 (*.csv *.xlsx *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Running %1 on the inputs</source>
        <translation>正在用输入运行 %1</translation>
    </message>
</context>
<context>
    <name>TaskCombo</name>
    <message>
        <source>The task this output belongs to: review checks it against the task's rules and approved outputs can be fed back into the task's dataset</source>
        <translation>此输出所属的任务：审核时按该任务的规则检查，通过的输出可回流到该任务的数据集</translation>
    </message>
    <message>
        <source>No task</source>
        <translation>不属于任务</translation>
    </message>
</context>
<context>
    <name>TasksPage</name>
    <message>
        <source>New task</source>
        <translation>新建任务</translation>
    </message>
    <message>
        <source>No tasks yet</source>
        <translation>还没有任务</translation>
    </message>
    <message>
        <source>A task says what a department needs written or drawn, with a prompt template and the rules a good result follows.</source>
        <translation>任务描述部门需要撰写或绘制的内容，包括提示词模板和合格结果应遵循的规则。</translation>
    </message>
    <message>
        <source>Create a task</source>
        <translation>创建任务</translation>
    </message>
    <message>
        <source>Show archived</source>
        <translation>显示已归档</translation>
    </message>
    <message>
        <source>Archived tasks keep their runs and reviewed outputs</source>
        <translation>归档的任务保留其运行记录和已审核的输出</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Output rules</source>
        <translation>输出规则</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <source>Length (characters)</source>
        <translation>长度（字符）</translation>
    </message>
    <message>
        <source>Must mention</source>
        <translation>必须包含</translation>
    </message>
    <message>
        <source>Must not mention</source>
        <translation>不得包含</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Hide the task from the list; its runs and outputs stay</source>
        <translation>从列表中隐藏此任务；其运行记录和输出仍会保留</translation>
    </message>
    <message>
        <source>Run on a file…</source>
        <translation>对文件批量运行…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Show archived (%1)</source>
        <translation>显示已归档（%1）</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>%1 (archived)</source>
        <translation>%1（已归档）</translation>
    </message>
    <message>
        <source>Select a task, or create a new one.</source>
        <translation>请选择一个任务，或新建任务。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Bring the task back into the list</source>
        <translation>将任务恢复到列表中</translation>
    </message>
    <message>
        <source>Archived: restore it to use it again.</source>
        <translation>已归档：恢复后即可再次使用。</translation>
    </message>
    <message>
        <source>New task: fill in the name and the template, then Save.</source>
        <translation>新任务：填写名称和模板，然后保存。</translation>
    </message>
    <message>
        <source>Give the task a name.</source>
        <translation>请为任务命名。</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>Task '%1' has changes that are not saved. Save them first?</source>
        <translation>任务“%1”有未保存的修改。要先保存吗？</translation>
    </message>
    <message>
        <source>(new task)</source>
        <translation>（新任务）</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃修改</translation>
    </message>
    <message>
        <source>None (base model)</source>
        <translation>无（基础模型）</translation>
    </message>
    <message>
        <source>Monitor runs</source>
        <translation>监控运行</translation>
    </message>
    <message>
        <source>Time, error rate, quality and throughput of this task's runs</source>
        <translation>该任务各次运行的耗时、错误率、质量和吞吐量</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <source>Prompt template</source>
        <translation>提示词模板</translation>
    </message>
    <message>
        <source>e.g. Write a one-line ad for {product} aimed at {audience}, tone: {tone}.</source>
        <translation>例如：为{product}写一句面向{audience}的广告语，语气：{tone}。</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>Example value</source>
        <translation>示例值</translation>
    </message>
    <message>
        <source>Preview: write a template with {variables}.</source>
        <translation>预览：请编写含 {变量} 的模板。</translation>
    </message>
    <message>
        <source>Preview: %1</source>
        <translation>预览：%1</translation>
    </message>
</context>
<context>
    <name>TextPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <source>Keep the same seed so results can be reproduced and compared</source>
        <translation>保持相同的种子，以便复现和对比结果</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最多生成词元数</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Write the prompt, e.g. Write a one-line ad for a leather tote bag aimed at commuters.</source>
        <translation>填写提示词，例如：为面向通勤族的皮革托特包写一句广告语。</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send to review</source>
        <translation>送审</translation>
    </message>
    <message>
        <source>Queue this output in the Review tab with the model, adapter, settings and seed that made it</source>
        <translation>将此输出连同生成它的模型、适配器、参数和种子加入“审核”队列</translation>
    </message>
    <message>
        <source>The answer appears here as it is written.</source>
        <translation>生成的内容会逐字显示在这里。</translation>
    </message>
    <message>
        <source>None (base model)</source>
        <translation>无（基础模型）</translation>
    </message>
    <message>
        <source>No comparison</source>
        <translation>不对比</translation>
    </message>
    <message>
        <source>Write a prompt and pick a model first.</source>
        <translation>请先填写提示词并选择模型。</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>llama.cpp on the CPU, %1 weights</source>
        <translation>llama.cpp（CPU），%1 权重</translation>
    </message>
    <message>
        <source>PyTorch on %1</source>
        <translation>PyTorch（%1）</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>file SHA-256 %1</source>
        <translation>文件 SHA-256 %1</translation>
    </message>
    <message>
        <source>Workspace default</source>
        <translation>工作区默认</translation>
    </message>
    <message>
        <source>Automatic (fastest here)</source>
        <translation>自动（本机最快）</translation>
    </message>
    <message>
        <source>llama.cpp (CPU)</source>
        <translation>llama.cpp（CPU）</translation>
    </message>
    <message>
        <source>PyTorch</source>
        <translation>PyTorch</translation>
    </message>
    <message>
        <source>Automatic runs a text model through llama.cpp on the CPU, converted once and checked against PyTorch; on a GPU it uses PyTorch</source>
        <translation>自动：在 CPU 上用 llama.cpp 运行文本模型（只转换一次，并与 PyTorch 核对）；有 GPU 时使用 PyTorch</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>推理后端</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model follows in every answer, e.g. You write short, friendly ads.</source>
        <translation>模型在每次回答中都遵循的指示，例如：你撰写简短、友好的广告。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>多轮对话</translation>
    </message>
    <message>
        <source>Keep the conversation: each answer sees the earlier turns</source>
        <translation>保留对话：每次回答都能看到之前的轮次</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Forget the conversation and start again</source>
        <translation>清空对话，重新开始</translation>
    </message>
    <message>
        <source>Copy the answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <source>Save the text to a file</source>
        <translation>将文本保存到文件</translation>
    </message>
    <message>
        <source>You: %1</source>
        <translation>你：%1</translation>
    </message>
    <message>
        <source>Assistant: </source>
        <translation>助手：</translation>
    </message>
    <message>
        <source>Chat (%1 turns)</source>
        <translation>多轮对话（%1 轮）</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <source>Save output</source>
        <translation>保存输出</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>TextSamples</name>
    <message>
        <source>Samples are written when the run has finished.</source>
        <translation>训练完成后即可生成样例。</translation>
    </message>
    <message>
        <source>Write samples</source>
        <translation>生成样例</translation>
    </message>
    <message>
        <source>Let the trained model answer a few validation prompts</source>
        <translation>让训练好的模型回答几条验证提示词</translation>
    </message>
    <message>
        <source>The trained model answers %1 validation prompts.</source>
        <translation>由训练好的模型回答 %1 条验证提示词。</translation>
    </message>
    <message>
        <source>Writing samples…</source>
        <translation>正在生成样例…</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <source>Pick a model and a dataset.</source>
        <translation>请选择模型和数据集。</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <source>Resume run</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>Import a base model (Models) and a dataset (Datasets) first.</source>
        <translation>请先导入基础模型（模型页）和数据集（数据集页）。</translation>
    </message>
    <message>
        <source>%1 is a %2 dataset; %3 is a %4 model.</source>
        <translation>%1 是 %2 数据集，而 %3 是 %4 模型。</translation>
    </message>
    <message>
        <source>The memory check runs when the run starts.</source>
        <translation>内存检查将在训练开始时进行。</translation>
    </message>
    <message>
        <source>Checking memory…</source>
        <translation>正在检查内存…</translation>
    </message>
    <message>
        <source>Fits in memory: needs about %1 GiB of %2 GiB free.</source>
        <translation>内存充足：约需 %1 GiB，可用 %2 GiB。</translation>
    </message>
    <message>
        <source>Fits in memory.</source>
        <translation>内存充足。</translation>
    </message>
    <message>
        <source>A training run is under way; start the next when it ends</source>
        <translation>已有训练在进行，结束后再开始下一次</translation>
    </message>
</context>
<context>
    <name>VersionsDialog</name>
    <message>
        <source>History of %1</source>
        <translation>%1 的版本历史</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Select a version to see what changed since the one before it.</source>
        <translation>选择一个版本，查看它相对上一版本的变化。</translation>
    </message>
    <message>
        <source>The first version: everything was added.</source>
        <translation>第一个版本：全部为新增内容。</translation>
    </message>
    <message>
        <source>v%1 → v%2: %3 added, %4 removed, %5 changed</source>
        <translation>v%1 → v%2：新增 %3，删除 %4，修改 %5</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>Welcome to AIGC Workbench</source>
        <translation>欢迎使用 AIGC 工作台</translation>
    </message>
    <message>
        <source>This workspace is empty. Load the sample workspace to try everything with starter models, example datasets and tasks, or open the workspace your team prepared.</source>
        <translation>这个工作区还是空的。载入示例工作区，用入门模型、示例数据集和任务体验全部功能；或者打开团队已准备好的工作区。</translation>
    </message>
    <message>
        <source>Load the sample workspace</source>
        <translation>载入示例工作区</translation>
    </message>
    <message>
        <source>Open a workspace…</source>
        <translation>打开工作区…</translation>
    </message>
    <message>
        <source>Create a new workspace…</source>
        <translation>新建工作区…</translation>
    </message>
    <message>
        <source>Start empty</source>
        <translation>从空白开始</translation>
    </message>
    <message>
        <source>Hide this greeting for this workspace</source>
        <translation>此工作区不再显示这条欢迎信息</translation>
    </message>
</context>
<context>
    <name>_JobDialog</name>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>What will change</source>
        <translation>将会发生的变化</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>None (the base model alone)</source>
        <translation>无（仅基础模型）</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
</TS>