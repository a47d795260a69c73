export function App() {
  return (
    <main>
      <h1>Pool Console</h1>
      <p>
        The console UI is under construction. The command-line tool is available now:{' '}
        <code>npx pool-console doctor</code>
      </p>
    </main>
  );
}
