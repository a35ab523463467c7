package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example of README.md, compiled and run as a user would, so that it cannot rot: the first
 * {@code java} block after the "Embedding" heading becomes the body of a {@code main} method (its imports
 * stay on top), is compiled against the library's classes only, and must run and print what it says.
 */
class ReadmeExampleTest {
    @TempDir Path dir;

    @Test
    void embeddingExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Embedding");
        assertTrue(section >= 0, "README.md has no Embedding section");
        int start = readme.indexOf("```java\n", section);
        assertTrue(start >= 0, "no java block in the Embedding section");
        int end = readme.indexOf("```", start + 8);
        List<String> imports = new ArrayList<>(), body = new ArrayList<>();
        for (String line : readme.substring(start + 8, end).split("\n")) (line.startsWith("import ") ? imports : body).add(line);
        String source = String.join("\n", imports) + "\n\npublic class ReadmeExample {\n    public static void main(String[] args) {\n"
                + String.join("\n", body) + "\n    }\n}\n";
        Path file = dir.resolve("ReadmeExample.java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classes = Path.of("target", "classes").toAbsolutePath().toString();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "-classpath", classes, "-d", dir.toString(), file.toString());
        assertEquals(0, status, "README example does not compile:\n" + diagnostics + "\n" + source);

        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass("ReadmeExample").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[64, 64]"), "the example should print the output size [64, 64], printed: " + out);
    }
}
