import ArgumentParser
import Foundation
import Latent

/// `latent train multitask`: several tasks from the same images, with hard, soft or no sharing.
struct TrainMultitask: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "multitask",
        abstract: "Multi-task learning: MultiMNIST (left,right) or MNIST with auxiliary tasks (digit,parity,reconstruction).",
        discussion: """
            left and right read the two digits of MultiMNIST images, built from the MNIST digits \
            with the seed (two digits of different classes on a --canvas square, the left one in the \
            top-left corner, the right one in the bottom-right). --sharing hard trains one trunk with \
            a head per task; soft a tower per task tied by an L2 penalty between corresponding layers \
            (Duong et al. 2015); single a tower per task and nothing else (one network per task). \
            Several values (--sharing single,hard,soft) train one run each into --out/<sharing> and \
            print the comparison. Writes model.safetensors, checkpoint.safetensors, metrics.json \
            (test figure and parameters per task), loss.png and examples.png.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: ArgumentHelp("Tasks, comma-separated: left,right (MultiMNIST) or any of digit,parity,reconstruction.", valueName: "tasks"))
    var tasks = "left,right"

    @Option(help: ArgumentHelp("hard, soft or single; a comma-separated list trains one run of each.", valueName: "sharing"))
    var sharing = "hard"

    @Option(help: ArgumentHelp("Hidden layers of the trunk (hard) or of each tower (soft, single).", valueName: "sizes"))
    var hidden = ListArgument([256, 256])

    @Option(help: ArgumentHelp("Weight of each task's loss, in --tasks order (default 1 each).", valueName: "weights"))
    var taskWeights: ListArgument<Float>?

    @Option(help: "With --sharing soft: weight of the L2 penalty between the towers' corresponding layers.")
    var softPenalty: Float = 1e-3

    @Option(help: "Side of the MultiMNIST canvas in pixels (28...56).")
    var canvas = 36

    func validate() throws {
        let tasks = try taskList()
        let modes = try sharingList()
        if output.resume != nil && modes.count > 1 { throw ValidationError("--resume continues one run; give one --sharing value.") }
        if output.out == nil && modes.count > 1 { throw ValidationError("--sharing with several values needs --out DIR (one run folder each goes inside it).") }
        if !hidden.allPositive { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden.defaultValueDescription)'.") }
        try FlagBounds.checkWidths("--hidden", hidden)
        try FlagBounds.check("--canvas", canvas, in: MultiMNIST.canvasSides)
        do {
            try loss().validate(tasks: tasks)
            for mode in modes { try FlagBounds.checkWeights(MultiTaskNetwork.self, modelConfig(tasks: tasks, sharing: mode)) }
        } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let modes = try sharingList()
        var reports: [MultiTaskReport] = []
        for mode in modes {
            let out = modes.count > 1 ? output.out.map { $0 + "/" + mode.rawValue } : output.out
            let (settings, folder) = try MultiTaskSettings.start(fresh: try freshSettings(sharing: mode), out: out,
                                                                 resume: output.resume, name: "multitask",
                                                                 givenFlags: output.givenSettingFlags)
            let report = try MultiTaskExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
            print(summaryTable(report.summary))
            reports.append(report)
        }
        if reports.count > 1 {
            let table = MultiTaskExperiment.comparison(reports)
            print(alignedTable(header: table.header, rows: table.rows))
        }
    }

    /// The tasks named by `--tasks`; an unknown name is an error listing the known ones.
    func taskList() throws -> [LearningTask] {
        let names = tasks.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let list = try names.map { name in
            guard let task = LearningTask(rawValue: name) else {
                throw ValidationError("--tasks: unknown task '\(name)'; choose from \(LearningTask.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return task
        }
        do { try LearningTask.validate(list) } catch { throw ValidationError("--tasks: \(error).") }
        return list
    }

    /// The sharing modes named by `--sharing`, each once.
    func sharingList() throws -> [MultiTaskSharing] {
        let names = sharing.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let list = try names.map { name in
            guard let mode = MultiTaskSharing(rawValue: name) else {
                throw ValidationError("--sharing: unknown value '\(name)'; choose from hard, soft, single.")
            }
            return mode
        }
        if Set(list).count != list.count { throw ValidationError("--sharing: each value may be named once, got '\(sharing)'.") }
        return list
    }

    /// Columns padded to their widest cell, the header underlined.
    private func alignedTable(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + rows).map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }

    func loss() -> MultiTaskLoss { MultiTaskLoss(taskWeights: taskWeights?.values, penalty: softPenalty) }

    func modelConfig(tasks: [LearningTask], sharing: MultiTaskSharing) -> MultiTaskNetwork.Config {
        MultiTaskNetwork.Config(inputSize: MultiTaskSettings.inputSize(tasks: tasks, canvas: canvas), tasks: tasks,
                                sharing: sharing, hidden: hidden.values, seed: compute.seed)
    }

    func freshSettings(sharing: MultiTaskSharing) throws -> MultiTaskSettings {
        MultiTaskSettings(model: modelConfig(tasks: try taskList(), sharing: sharing), training: training.config(seed: compute.seed),
                          loss: loss(), data: dataOptions.source, canvas: canvas)
    }
}
