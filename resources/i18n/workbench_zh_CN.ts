<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>DatasetsPage</name>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Examples imported from your files, cleaned, split and versioned</source>
        <translation>从您的文件导入的样本，经过清洗、划分并保留版本</translation>
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
    <name>GenerationPage</name>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Write text and render images with a base model or a trained adapter</source>
        <translation>使用基础模型或训练好的适配器撰写文案、生成图像</translation>
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
        <translation>停止此任务（支持续跑的任务之后可继续）</translation>
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
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <source>Jobs</source>
        <translation>任务队列</translation>
    </message>
    <message>
        <source>No jobs yet. Imports, training runs and generations appear here.</source>
        <translation>暂无任务。导入、训练和生成任务会显示在这里。</translation>
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
        <translation>仍有任务在运行</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) are still running. Stop them and quit? Training runs can be resumed from their last checkpoint next time.</source>
        <translation><numerusform>仍有 %n 个任务在运行。要停止它们并退出吗？训练下次可以从最近的检查点继续。</numerusform></translation>
    </message>
    <message>
        <source>Stopping jobs and closing the workspace…</source>
        <translation>正在停止任务并关闭工作区…</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Base models and trained adapters on this machine</source>
        <translation>本机上的基础模型和已训练的适配器</translation>
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
    <name>ReviewPage</name>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Approve, edit or reject outputs before they are used</source>
        <translation>在使用前通过、修改或驳回生成结果</translation>
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
        <source>The device applies to jobs started from now on. A new language applies the next time the workbench starts.</source>
        <translation>设备设置对之后启动的任务生效。新的语言将在下次启动工作台时生效。</translation>
    </message>
    <message>
        <source>Choose the workspace folder</source>
        <translation>选择工作区文件夹</translation>
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
        <translation>显示任务面板（Ctrl+J）</translation>
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
        <translation>没有运行中的任务</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) running</source>
        <translation><numerusform>%n 个任务运行中</numerusform></translation>
    </message>
</context>
<context>
    <name>TasksPage</name>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>What each department needs done, and how to judge it</source>
        <translation>各部门要完成的内容任务，以及评判标准</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Fine-tune a text or image model on a dataset version</source>
        <translation>在某个数据集版本上微调文本或图像模型</translation>
    </message>
</context>
</TS>